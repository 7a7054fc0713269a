import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_BY_CODE } from '../../plugins/error-handler.ts';
import { buildTestApp, type TestApp } from '../../test/build-test-app.ts';

type Operation = {
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
  security?: unknown[];
  tags?: string[];
};
type OpenApiDocument = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
};

let test: TestApp;
let document: OpenApiDocument;

beforeAll(async () => {
  test = await buildTestApp();
  const response = await test.app.inject({ method: 'GET', url: '/api/openapi.json' });
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('application/json');
  document = response.json();
});
afterAll(async () => {
  await test?.close();
});

const operations = () =>
  Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
  );

describe('GET /api/openapi.json', () => {
  it('issue 18: is a valid OpenAPI 3.1 document, served without credentials', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator is not lenient: the same document without its info object is refused.
    const { info: _info, ...broken } = document as unknown as Record<string, unknown>;
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('issue 18: lists /api/ai/chat with its request schema, generated from the zod schema', () => {
    const chat = document.paths['/api/ai/chat']?.post;
    expect(chat).toBeDefined();
    const body = chat?.requestBody?.content['application/json']?.schema as { properties: Record<string, unknown> };
    expect(Object.keys(body.properties)).toEqual(
      expect.arrayContaining(['feature', 'content', 'messages', 'model', 'system', 'reasoning']),
    );
    const answer = chat?.responses['200']?.content?.['application/json']?.schema as { properties: object };
    expect(Object.keys(answer.properties)).toEqual(expect.arrayContaining(['content', 'reasoning', 'usage']));
    expect(chat?.security).toEqual([{ bearer: [] }, { apiKey: [] }]);
  });

  it('issue 18: documents the stream as Server-Sent Events and the OpenAI-compatible routes', () => {
    const stream = document.paths['/api/ai/stream']?.post;
    const events = stream?.responses['200']?.content?.['text/event-stream']?.schema;
    expect(JSON.stringify(events)).toContain('"reasoning"');
    expect(document.paths['/v1/chat/completions']?.post).toBeDefined();
    expect(document.paths['/v1/embeddings']?.post).toBeDefined();
    expect(document.paths['/healthz']?.get?.security).toEqual([]);
    expect(Object.keys(document.paths).every((path) => !path.includes('*'))).toBe(true);
  });

  it('issue 18: lists only the public API: no settings, admin, session, OAuth or MCP routes', () => {
    const paths = Object.keys(document.paths);
    expect(paths.length).toBeGreaterThan(5);
    for (const path of paths) {
      expect(path).toMatch(/^(\/api\/ai\/|\/v1\/|\/healthz$|\/readyz$|\/api\/me$|\/api\/openapi\.json$)/);
    }
    expect(paths).not.toContain('/api/settings');
    expect(paths.some((path) => path.startsWith('/api/admin'))).toBe(false);
    expect(paths.some((path) => path.startsWith('/api/auth'))).toBe(false);
  });

  it('issue 18: every documented error status is one of the error table, with the envelope of its API', () => {
    const tableStatuses = new Set(Object.values(STATUS_BY_CODE).map(String));
    let errorAnswers = 0;
    for (const { path, operation } of operations()) {
      for (const [status, answer] of Object.entries(operation.responses)) {
        if (Number(status) < 400) continue;
        errorAnswers += 1;
        // Anthropic's Messages API states the table in its own statuses: 529 for a busy upstream, 500 for the rest.
        const isAnthropic = path.startsWith('/v1/messages');
        if (!(isAnthropic && ['500', '529'].includes(status))) {
          expect(tableStatuses, `${path} ${status}`).toContain(status);
        }
        if (path === '/readyz' && status === '503') continue;
        const schema = answer.content?.['application/json']?.schema;
        expect(schema?.$ref, `${path} ${status}`).toBe(
          isAnthropic
            ? '#/components/schemas/AnthropicError'
            : path.startsWith('/v1/')
              ? '#/components/schemas/OpenAiError'
              : '#/components/schemas/ApiError',
        );
      }
    }
    expect(errorAnswers).toBeGreaterThan(20);
    // The table's statuses for the note API, generated: a code's status shows up with the code named.
    const chat = document.paths['/api/ai/chat']?.post;
    expect(chat?.responses[String(STATUS_BY_CODE.usage_limit_reached)]?.description).toContain('`usage_limit_reached`');
    expect(chat?.responses[String(STATUS_BY_CODE.no_provider)]?.description).toContain('`no_provider`');
    expect(document.components.schemas).toHaveProperty('ApiError');
    expect(document.components.schemas).toHaveProperty('OpenAiError');
  });

  it('issue 18: declares the bearer (API key or app token) and x-api-key schemes', () => {
    expect(document.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(document.components.securitySchemes.apiKey).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
    });
  });

  it('issue 18: is built once and served as the same bytes after', async () => {
    const first = await test.app.inject({ method: 'GET', url: '/api/openapi.json' });
    const second = await test.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(second.body).toBe(first.body);
    expect(await test.app.openApiDocument()).toBe(await test.app.openApiDocument());
  });
});
