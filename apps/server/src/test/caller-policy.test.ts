import type { CallerPolicy } from '@pag/contracts';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// Issue 18 acceptance, over real HTTP on loopback: a key's policy is enforced by the router on every API, and a
// "subscription only" key never reaches a paid API key, even with the user's fallback on and the subscription at
// its usage limit.
let gateway: AiTestGateway;
/** A ChatGPT subscription, an OpenAI key, and "fall back to API keys" on. */
let dana: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  dana = await gateway.addUser({
    email: 'dana@home.test',
    chatgptAccount: 'alice@example.com',
    openaiKey: 'sk-test-bob-0000000000000001',
    fallbackToApiKeys: true,
  });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  gateway.fakeCodex.reset();
  gateway.fakeOpenAi.reset();
});

async function keyWith(policy: Partial<CallerPolicy>): Promise<string> {
  const response = await gateway.sessionRequest(dana, 'POST', '/api/keys', {
    name: 'restricted',
    policy: { allowedModels: null, subscriptionOnly: false, allowedOrigins: [], ...policy },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { secret: string }).secret;
}

function call(key: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
  return fetch(`${gateway.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body == null ? {} : { 'content-type': 'application/json' }) },
    ...(body == null ? {} : { body: JSON.stringify(body) }),
  });
}

/** Everything the OpenAI fake received (model calls, model lists, embeddings). */
const openAiRequests = () => gateway.fakeOpenAi.requests.length;

describe('issue 18: a subscription-only key', () => {
  it('issue 18: subscription at its usage limit, fallback on, OpenAI key connected → 429, and OpenAI receives nothing', async () => {
    const key = await keyWith({ subscriptionOnly: true });
    // Twice: a second upstream attempt would take the second one (and show up in the exchanges).
    gateway.fakeCodex.enqueueScenarios(
      { kind: 'usage-limit', resetsInSeconds: 900 },
      { kind: 'usage-limit', resetsInSeconds: 900 },
    );
    const note = await call(key, 'POST', '/api/ai/chat', { content: 'Summarise my day' });
    expect(note.status).toBe(429);
    expect(((await note.json()) as { error: { code: string } }).error.code).toBe('usage_limit_reached');
    expect(gateway.fakeCodex.exchanges.map((exchange) => exchange.status)).toEqual([429]);
    expect(openAiRequests()).toBe(0);

    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 900 });
    const v1 = await call(key, 'POST', '/v1/chat/completions', {
      model: 'chatgpt/gpt-5.5',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(v1.status).toBe(429);
    expect(((await v1.json()) as { error: { code: string } }).error.code).toBe('usage_limit_reached');
    expect(openAiRequests()).toBe(0);
  });

  it('issue 18: the same user with an unrestricted key does fall back (the fallback is really on)', async () => {
    gateway.fakeCodex.enqueueScenarios({ kind: 'usage-limit', resetsInSeconds: 900 });
    const answer = await dana.client.chat({ content: 'Summarise my day' });
    expect(answer.provider).toBe('openai');
  });

  it.each([
    ['/api/ai/chat', { content: 'Hi', model: 'openai/gpt-4.1' }],
    ['/v1/chat/completions', { model: 'openai/gpt-4.1', messages: [{ role: 'user', content: 'Hi' }] }],
    ['/v1/responses', { model: 'openai/gpt-4.1', input: 'Hi' }],
    ['/v1/embeddings', { model: 'openai/text-embedding-3-small', input: 'Hi' }],
  ])('issue 18: %s with an API-key model → 403 subscription_only', async (path, body) => {
    const key = await keyWith({ subscriptionOnly: true });
    const response = await call(key, 'POST', path, body);
    expect(response.status).toBe(403);
    expect(JSON.stringify(await response.json())).toContain('subscription_only');
    expect(openAiRequests()).toBe(0);
  });

  it('issue 18: its model lists hold only the subscription', async () => {
    const key = await keyWith({ subscriptionOnly: true });
    const listed = (await (await call(key, 'GET', '/v1/models')).json()) as { data: { id: string }[] };
    expect(listed.data.length).toBeGreaterThan(0);
    expect(listed.data.every((model) => model.id.startsWith('chatgpt/'))).toBe(true);
    const note = (await (await call(key, 'GET', '/api/ai/models')).json()) as { models: { id: string }[] };
    expect(note.models.map((model) => model.id)).toEqual(listed.data.map((model) => model.id));
    expect(openAiRequests()).toBe(0);
  });
});

describe('issue 18: a key with allowed models', () => {
  it('issue 18: a model outside the list → 403 model_not_allowed naming the allowed patterns, on every API', async () => {
    const key = await keyWith({ allowedModels: ['openai/gpt-4.1'] });
    for (const [path, body] of [
      ['/api/ai/stream', { content: 'Hi', model: 'chatgpt/gpt-5.5' }],
      ['/v1/chat/completions', { model: 'openai/gpt-5-mini', messages: [{ role: 'user', content: 'Hi' }] }],
      ['/v1/responses', { model: 'chatgpt/gpt-5.5', input: 'Hi' }],
      ['/v1/embeddings', { model: 'openai/text-embedding-3-small', input: 'Hi' }],
    ] as const) {
      const response = await call(key, 'POST', path, body);
      expect(response.status, path).toBe(403);
      const text = JSON.stringify(await response.json());
      expect(text).toContain('model_not_allowed');
      expect(text).toContain('openai/gpt-4.1');
    }
    expect(gateway.fakeCodex.exchanges).toEqual([]);
    expect(gateway.fakeOpenAi.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('issue 18: no model named → the first allowed model; an allowed model is relayed to the OpenAI-compatible key', async () => {
    const key = await keyWith({ allowedModels: ['openai/gpt-4.1'] });
    const note = (await (await call(key, 'POST', '/api/ai/chat', { content: 'Hi' })).json()) as { model: string };
    expect(note.model).toBe('openai/gpt-4.1');
    const relayed = await call(key, 'POST', '/v1/chat/completions', {
      model: 'openai/gpt-4.1',
      messages: [{ role: 'user', content: 'Hi' }],
    });
    expect(relayed.status).toBe(200);
    expect(((await relayed.json()) as { model: string }).model).toBe('openai/gpt-4.1');
    expect(gateway.fakeCodex.exchanges).toEqual([]);
  });

  it('issue 18: the model lists hold only allowed models', async () => {
    const key = await keyWith({ allowedModels: ['openai/gpt-4.1', 'openai/gpt-5-mini'] });
    const listed = (await (await call(key, 'GET', '/v1/models')).json()) as { data: { id: string }[] };
    expect(listed.data.map((model) => model.id).sort()).toEqual(['openai/gpt-4.1', 'openai/gpt-5-mini']);
    expect((await call(key, 'GET', '/v1/models/chatgpt/gpt-5.5')).status).toBe(404);
  });
});
