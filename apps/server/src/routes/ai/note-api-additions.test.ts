import { DEFAULT_FAKE_CODEX_MODELS } from '@pag/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// Issue 18 item 6 through app.inject() (and one flow over real HTTP); upstreams are the strict fakes on loopback.
let gateway: AiTestGateway;
let owner: AiTestUser;
let keyless: AiTestUser;

const TEXT_ONLY_MODEL = { slug: 'gpt-text-only', efforts: ['low', 'medium'], inputModalities: ['text'] };
const TAGS_SCHEMA = {
  type: 'object',
  properties: { tags: { type: 'array', items: { type: 'string' } } },
  required: ['tags'],
  additionalProperties: false,
};
const MOOD_SCHEMA = {
  type: 'object',
  properties: { mood: { type: 'string', enum: ['calm', 'busy'] }, score: { type: 'number' } },
  required: ['mood', 'score'],
  additionalProperties: false,
};
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

beforeAll(async () => {
  gateway = await startAiTestGateway({ codexModels: [...DEFAULT_FAKE_CODEX_MODELS, TEXT_ONLY_MODEL] });
  owner = await gateway.addUser({
    email: 'owner@home.test',
    chatgptAccount: 'alice@example.com',
    openaiKey: 'sk-test-fake-openai-api-key-0000',
  });
  keyless = await gateway.addUser({ email: 'nobody@home.test' });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  gateway.fakeOpenAi.reset();
});

function post(path: string, payload: unknown, user: AiTestUser = owner) {
  return gateway.test.app.inject({
    method: 'POST',
    url: path,
    headers: { authorization: `Bearer ${user.apiKey}` },
    payload: payload as object,
  });
}

function readEvents(body: string): { event: string; data: Record<string, unknown> }[] {
  return body
    .split('\n\n')
    .filter((block) => block.includes('data: '))
    .map((block) => {
      const lines = block.split('\n');
      const event = lines.find((line) => line.startsWith('event: '))?.slice(7) ?? '';
      const data = lines.find((line) => line.startsWith('data: '))?.slice(6) ?? '{}';
      return { event, data: JSON.parse(data) as Record<string, unknown> };
    });
}

function lastCodexBody(): Record<string, unknown> {
  return gateway.fakeCodex.exchanges.at(-1)?.request?.json as Record<string, unknown>;
}

describe('issue 18: structured output', () => {
  it('issue 18: a schema asks the Codex backend for strict JSON and returns it parsed as output', async () => {
    gateway.fakeCodex.enqueueScenarios('json');
    const response = await post('/api/ai/chat', { content: 'A calm day.', schema: MOOD_SCHEMA });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ output: { mood: 'calm', score: 1 }, provider: 'chatgpt' });
    expect(JSON.parse(response.json().content)).toEqual({ mood: 'calm', score: 1 });
    expect(lastCodexBody().text).toMatchObject({
      format: { type: 'json_schema', name: 'note_output', strict: true, schema: MOOD_SCHEMA },
    });
  });

  it('issue 18: without a schema output is null', async () => {
    const response = await post('/api/ai/chat', { content: 'Hello' });
    expect(response.statusCode).toBe(200);
    expect(response.json().output).toBeNull();
    expect(lastCodexBody().text).toBeUndefined();
  });

  it('issue 18: the built-in tags feature returns a list of tags', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text: '{"tags":["garden","spring"]}' });
    const response = await post('/api/ai/chat', { feature: 'tags', content: 'Planted tulips today.' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().output).toEqual({ tags: ['garden', 'spring'] });
    expect(lastCodexBody().text).toMatchObject({ format: { type: 'json_schema', name: 'tags', strict: true } });
  });

  it('issue 18: the stream carries the JSON text as deltas and the parsed output in done', async () => {
    gateway.fakeCodex.enqueueScenarios('json');
    const response = await post('/api/ai/stream', { content: 'Tag this', schema: TAGS_SCHEMA });
    expect(response.statusCode).toBe(200);
    const events = readEvents(response.body);
    const text = events
      .filter((event) => event.event === 'delta')
      .map((event) => event.data.text)
      .join('');
    expect(JSON.parse(text)).toEqual({ tags: ['fake'] });
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { type: 'done', output: { tags: ['fake'] } } });
  });

  it('issue 18: an answer that does not match the schema is invalid_output (502, or an error event)', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text: '{"tags":"garden"}' });
    const chat = await post('/api/ai/chat', { content: 'x', schema: TAGS_SCHEMA });
    expect(chat.statusCode).toBe(502);
    expect(chat.json().error).toMatchObject({ code: 'invalid_output', message: expect.stringMatching(/\/tags/) });

    gateway.fakeCodex.enqueueScenarios({ kind: 'stream', text: 'Sure! Here are tags: garden' });
    const stream = await post('/api/ai/stream', { content: 'x', schema: TAGS_SCHEMA });
    const last = readEvents(stream.body).at(-1);
    expect(last).toMatchObject({ event: 'error', data: { code: 'invalid_output' } });
    expect(readEvents(stream.body).some((event) => event.event === 'done')).toBe(false);
  });

  it.each<[string, unknown, RegExp]>([
    ['a string', 'tags please', /schema.*JSON Schema object/],
    ['an array', [{ type: 'string' }], /schema.*JSON Schema object/],
    ['a non-object root', { type: 'array', items: { type: 'string' } }, /must describe an object/],
    ['an object allowing other keys', { type: 'object', properties: {}, required: [] }, /additionalProperties/],
    [
      'a property missing from required',
      { ...TAGS_SCHEMA, required: [] },
      /"schema" must list every property in "required" \(missing: tags\)/,
    ],
    [
      'a schema ajv cannot compile',
      { ...TAGS_SCHEMA, properties: { tags: { type: 'tag' } } },
      /not a valid JSON Schema/,
    ],
    ['a huge schema', { type: 'object', description: 'x'.repeat(30_000) }, /too large/],
  ])('issue 18: refuses %s as schema with a 400 that says what to fix', async (_name, schema, message) => {
    for (const path of ['/api/ai/chat', '/api/ai/stream']) {
      const response = await post(path, { content: 'x', schema });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(message) });
    }
    expect(gateway.fakeCodex.exchanges).toHaveLength(0);
  });
});

describe('issue 18: images', () => {
  it('issue 18: an image part reaches the Codex backend as input_image', async () => {
    const response = await post('/api/ai/chat', {
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image', image: PNG },
          ],
        },
      ],
    });
    expect(response.statusCode, response.body).toBe(200);
    const input = lastCodexBody().input as { role: string; content: unknown[] }[];
    expect(input.find((item) => item.role === 'user')?.content).toEqual([
      { type: 'input_text', text: 'What is in this picture?' },
      { type: 'input_image', image_url: PNG },
    ]);
  });

  it('issue 18: content with a feature may carry an image too', async () => {
    const response = await post('/api/ai/chat', {
      feature: 'summarize',
      content: [{ type: 'image', image: PNG }],
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('issue 18: a model that takes text only answers 400 naming a model that can see images', async () => {
    const response = await post('/api/ai/chat', {
      model: 'chatgpt/gpt-text-only',
      content: [
        { type: 'text', text: 'Describe' },
        { type: 'image', image: PNG },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'model_cannot_see_images',
      message: expect.stringMatching(/chatgpt\/gpt-text-only takes text only.*"model": "chatgpt\/gpt-/),
    });
    expect(gateway.fakeCodex.exchanges).toHaveLength(0);
  });

  it.each<[string, unknown, RegExp]>([
    ['a URL that is not a data URL', [{ type: 'image', image: 'https://example.com/a.png' }], /must be a data URL/],
    ['an svg data URL', [{ type: 'image', image: 'data:image/svg+xml;base64,PHN2Zz4=' }], /png, jpeg, webp or gif/],
    ['an unknown part', [{ type: 'audio', audio: 'x' }], /a list of parts: \{ "type": "text", "text" \}/],
    ['no parts', [], /at least one part/],
    ['too large an image', [{ type: 'image', image: `data:image/png;base64,${'A'.repeat(6_000_000)}` }], /too large/],
    ['eleven images', Array.from({ length: 11 }, () => ({ type: 'image', image: PNG })), /too many images/],
  ])('issue 18: refuses %s with a clear 400', async (_name, content, message) => {
    const response = await post('/api/ai/chat', { messages: [{ role: 'user', content }] });
    expect(response.statusCode, response.body.slice(0, 500)).toBe(400);
    expect(response.json().error.message).toMatch(message);
  });

  it('issue 18: refuses parts in an assistant message', async () => {
    const response = await post('/api/ai/chat', {
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'assistant', content: [{ type: 'text', text: 'hello' }] },
        { role: 'user', content: 'again' },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/only user messages may be a list of parts/);
  });
});

describe('issue 18: your own features', () => {
  const session = (method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) =>
    gateway.sessionRequest(owner, method, path, body as Record<string, unknown> | undefined);
  /** The `/api` error envelope of an answer. */
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { code: string; message: string } }).error;

  it('issue 18: create, list, use, update and delete a feature of your own', async () => {
    const created = await session('POST', '/api/ai/features', {
      name: 'outline',
      prompt: 'Turn the note into an outline.',
      reasoningEffort: 'low',
      schema: {
        type: 'object',
        properties: { headings: { type: 'array', items: { type: 'string' } } },
        required: ['headings'],
        additionalProperties: false,
      },
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'outline', isBuiltIn: false, reasoningEffort: 'low' });

    const list = await gateway.test.app.inject({
      method: 'GET',
      url: '/api/ai/features',
      headers: { authorization: `Bearer ${owner.apiKey}` },
    });
    const names = (list.json().features as { name: string; isBuiltIn: boolean }[]).map((feature) => feature.name);
    expect(names).toEqual(['insight', 'summarize', 'rewrite', 'tags', 'translate', 'outline']);

    gateway.fakeCodex.enqueueScenarios('json');
    const answer = await post('/api/ai/chat', { feature: 'outline', content: 'My note' });
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json().output).toEqual({ headings: ['fake'] });
    const body = lastCodexBody();
    expect(JSON.stringify(body.input)).toContain('Turn the note into an outline.');
    expect(body.reasoning).toMatchObject({ effort: 'low' });
    expect(body.text).toMatchObject({ format: { name: 'outline', strict: true } });

    const updated = await session('PUT', '/api/ai/features/outline', {
      prompt: 'Outline it.',
      model: 'chatgpt/gpt-5.4',
      schema: null,
    });
    expect(updated.status).toBe(200);
    expect(await updated.json()).toMatchObject({ prompt: 'Outline it.', model: 'chatgpt/gpt-5.4', schema: null });
    const plain = await post('/api/ai/chat', { feature: 'outline', content: 'My note' });
    expect(plain.json()).toMatchObject({ model: 'chatgpt/gpt-5.4', output: null });

    expect((await session('DELETE', '/api/ai/features/outline')).status).toBe(204);
    const gone = await post('/api/ai/chat', { feature: 'outline', content: 'My note' });
    expect(gone.statusCode).toBe(400);
    expect(gone.json().error.message).toMatch(/no feature "outline"\. Available: insight, summarize, rewrite, tags/);
  });

  it('issue 18: an unknown feature is a 400 listing the available names', async () => {
    const response = await post('/api/ai/chat', { feature: 'poem', content: 'x' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/no feature "poem".*Available: insight, summarize/);
  });

  it('issue 18: refuses a built-in name, a taken name, a bad slug and a schema outside the strict subset', async () => {
    const builtIn = await session('POST', '/api/ai/features', { name: 'tags', prompt: 'x' });
    expect(builtIn.status).toBe(400);
    expect((await errorOf(builtIn)).message).toMatch(/built-in feature/);

    expect((await session('POST', '/api/ai/features', { name: 'twice', prompt: 'x' })).status).toBe(201);
    const taken = await session('POST', '/api/ai/features', { name: 'twice', prompt: 'y' });
    expect(taken.status).toBe(409);
    expect((await errorOf(taken)).code).toBe('conflict');

    const slug = await session('POST', '/api/ai/features', { name: 'Bad Name', prompt: 'x' });
    expect(slug.status).toBe(400);
    expect((await errorOf(slug)).message).toMatch(/lowercase letters, digits or dashes/);

    const loose = await session('POST', '/api/ai/features', {
      name: 'loose',
      prompt: 'x',
      schema: { type: 'object', properties: { a: { type: 'string' } } },
    });
    expect(loose.status).toBe(400);
    expect((await errorOf(loose)).message).toMatch(/additionalProperties/);
    await session('DELETE', '/api/ai/features/twice');
  });

  it('issue 18: built-in features take prompt and model only, and cannot be deleted', async () => {
    const effort = await session('PUT', '/api/ai/features/summarize', {
      prompt: null,
      model: null,
      reasoningEffort: 'high',
    });
    expect(effort.status).toBe(400);
    expect((await errorOf(effort)).message).toMatch(/takes only "prompt" and "model"/);
    const deleted = await session('DELETE', '/api/ai/features/summarize');
    expect(deleted.status).toBe(400);
    expect((await session('DELETE', '/api/ai/features/nothing-here')).status).toBe(404);
    const restored = await session('PUT', '/api/ai/features/tags', { prompt: 'Tags!', model: null });
    expect(await restored.json()).toMatchObject({ name: 'tags', isBuiltIn: true, isCustomized: true, prompt: 'Tags!' });
    await session('PUT', '/api/ai/features/tags', { prompt: null, model: null });
  });

  it('issue 18: a gateway API key cannot create or delete features', async () => {
    const response = await post('/api/ai/features', { name: 'viakey', prompt: 'x' });
    expect([401, 403]).toContain(response.statusCode);
  });
});

describe('issue 18: POST /api/ai/embed', () => {
  it('issue 18: embeds texts through the OpenAI-compatible key, with its default model', async () => {
    const response = await post('/api/ai/embed', { input: ['first note', 'second note'] });
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ model: 'openai/text-embedding-3-small', provider: 'openai' });
    expect(body.embeddings).toHaveLength(2);
    expect(body.embeddings[0].length).toBeGreaterThan(0);
    expect(typeof body.usage.inputTokens).toBe('number');
  });

  it('issue 18: a named model and a single string', async () => {
    const response = await post('/api/ai/embed', { input: 'one note', model: 'openai/text-embedding-3-large' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().embeddings).toHaveLength(1);
    expect(response.json().model).toBe('openai/text-embedding-3-large');
  });

  it('issue 18: nothing that embeds → the same embeddings_unavailable error as /v1/embeddings', async () => {
    const none = await post('/api/ai/embed', { input: 'x' }, keyless);
    expect(none.statusCode).toBe(409);
    expect(none.json().error.code).toBe('embeddings_unavailable');
    const subscription = await post('/api/ai/embed', { input: 'x', model: 'chatgpt/gpt-5.5' });
    expect(subscription.statusCode).toBe(409);
    expect(subscription.json().error.message).toMatch(/has no embeddings/);
    const empty = await post('/api/ai/embed', { input: [] });
    expect(empty.statusCode).toBe(400);
  });
});

describe('issue 18: over real HTTP', () => {
  it('issue 18: a note app streams structured tags for a note with an image, over loopback', async () => {
    gateway.fakeCodex.enqueueScenarios('json');
    const response = await fetch(`${gateway.url}/api/ai/stream`, {
      method: 'POST',
      headers: { authorization: `Bearer ${owner.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        feature: 'tags',
        content: [
          { type: 'text', text: 'Holiday photo' },
          { type: 'image', image: PNG },
        ],
      }),
      signal: AbortSignal.timeout(10_000),
    });
    expect(response.status).toBe(200);
    const events = readEvents(await response.text());
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { output: { tags: ['fake'] } } });
    const body = lastCodexBody();
    expect(JSON.stringify(body.input)).toContain('input_image');
    expect(body.text).toMatchObject({ format: { type: 'json_schema', name: 'tags', strict: true } });
  });
});
