import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from './close-all-fake-servers.ts';
import type { HttpMethod, Router } from './create-router.ts';
import { createRouter } from './create-router.ts';
import { defineFake } from './define-fake.ts';
import { sendJson } from './send-json.ts';

const TIMEOUT_MS = 2000;

afterEach(closeAllFakeServers);

function startFakeRoutedBy(routes: (router: Router) => void) {
  return defineFake({
    name: 'openai',
    summary: '',
    createState: () => null,
    routes: ({ router }) => routes(router),
  }).start();
}

function startRoutedFake() {
  return startFakeRoutedBy((router) =>
    router
      .on('GET', '/v1/models', (_request, reply) => sendJson({ reply, body: { data: [] } }))
      .on('GET', '/v1/models/:model', (request, reply) => sendJson({ reply, body: { id: request.params.model } }))
      .on('POST', '/v1/threads/:threadId/messages/:messageId', (request, reply) =>
        sendJson({ reply, status: 201, body: { params: request.params, body: request.json() } }),
      ),
  );
}

describe('createRouter', () => {
  it('should route by method and path and pass decoded params', async () => {
    const fake = await startRoutedFake();

    const list = await fetch(`${fake.url}/v1/models`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ data: [] });

    const one = await fetch(`${fake.url}/v1/models/gpt%2F5%20mini`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    expect(await one.json()).toEqual({ id: 'gpt/5 mini' });

    const created = await fetch(`${fake.url}/v1/threads/t1/messages/m2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ hello: 'world' }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ params: { threadId: 't1', messageId: 'm2' }, body: { hello: 'world' } });
  });

  it.each([
    ['GET', '/v1/unknown'],
    ['DELETE', '/v1/models'],
    ['GET', '/v1/models/'],
    ['GET', '/v1/models/a/b'],
    ['GET', '/v1/models/%E0%A4%A'],
  ])('should answer 404 naming the fake for %s %s', async (method, path) => {
    const fake = await startRoutedFake();

    const response = await fetch(`${fake.url}${path}`, { method, signal: AbortSignal.timeout(TIMEOUT_MS) });

    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: `no route for ${method} ${path} in fake openai` });
  });

  it('should try routes in the order they were added', async () => {
    const fake = await startFakeRoutedBy((router) =>
      router
        .on('GET', '/items/special', (_request, reply) => sendJson({ reply, body: 'special' }))
        .on('GET', '/items/:id', (request, reply) => sendJson({ reply, body: request.params.id })),
    );

    const special = await fetch(`${fake.url}/items/special`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    const other = await fetch(`${fake.url}/items/7`, { signal: AbortSignal.timeout(TIMEOUT_MS) });

    expect(await special.json()).toBe('special');
    expect(await other.json()).toBe('7');
  });

  it('should type params from the path', () => {
    createRouter().on('GET', '/a/:first/b/:second', (request) => {
      const { first, second } = request.params;
      expect([first, second]).toBeDefined();
      // @ts-expect-error the path declares no such param
      expect(request.params.third).toBeUndefined();
    });
  });

  it.each([
    ['a path without a leading slash', 'GET', 'v1/models', '"path" must start with "/"'],
    ['an empty param name', 'GET', '/v1/:', '"path" /v1/: has an empty, invalid or repeated param name ":"'],
    ['a repeated param name', 'GET', '/:id/:id', '"path" /:id/:id has an empty, invalid or repeated param name ":id"'],
    ['a lowercase method', 'get', '/v1', '"method" must be one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS'],
  ])('should reject %s', (_case, method, path, message) => {
    const router = createRouter();

    expect(() => router.on(method as HttpMethod, path, () => {})).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE', message }),
    );
  });

  it('should reject a route added twice', () => {
    const router = createRouter().on('GET', '/v1/models', () => {});

    expect(() => router.on('GET', '/v1/models', () => {})).toThrow('"path" GET /v1/models is already routed');
  });
});
