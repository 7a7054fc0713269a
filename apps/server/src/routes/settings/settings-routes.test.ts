import { DEFAULT_FAKE_GEMINI_API_KEY, DEFAULT_FAKE_OPENAI_API_KEY } from '@pag/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readDatabaseText } from '../../test/read-database-bytes.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from '../../test/start-ai-test-gateway.ts';

// Routing settings, features and upstream API keys, over real HTTP (session + CSRF), against the fake upstreams.
let gateway: AiTestGateway;
let user: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
});
afterAll(async () => {
  await gateway?.close();
});
let counter = 0;
beforeEach(async () => {
  counter += 1;
  user = await gateway.addUser({ email: `user${counter}@home.test` });
});

async function call(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) {
  const response = await gateway.sessionRequest(user, method, path, body);
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: each test reads the fields of a different answer shape
  return { status: response.status, body: text === '' ? null : (JSON.parse(text) as Record<string, any>) };
}

async function modelIds(): Promise<string[]> {
  const response = await fetch(`${gateway.url}/api/ai/models`, { headers: { authorization: `Bearer ${user.apiKey}` } });
  return ((await response.json()) as { models: { id: string }[] }).models.map((model) => model.id);
}

describe('API keys for upstreams', () => {
  it('should check an OpenAI-compatible key against its base URL before saving it, and keep it encrypted', async () => {
    const saved = await call('PUT', '/api/credentials/openai', {
      apiKey: DEFAULT_FAKE_OPENAI_API_KEY,
      baseUrl: `${gateway.fakeOpenAi.baseUrl}/`,
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ provider: 'openai', baseUrl: gateway.fakeOpenAi.baseUrl, keyHint: '0000' });
    expect(JSON.stringify(saved.body)).not.toContain(DEFAULT_FAKE_OPENAI_API_KEY);
    const validation = gateway.fakeOpenAi.requests.at(-1);
    expect(validation).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(validation?.headers.authorization).toBe(`Bearer ${DEFAULT_FAKE_OPENAI_API_KEY}`);

    const listed = await call('GET', '/api/credentials');
    expect(listed.body?.credentials).toEqual([expect.objectContaining({ provider: 'openai', keyHint: '0000' })]);
    expect(JSON.stringify(listed.body)).not.toContain(DEFAULT_FAKE_OPENAI_API_KEY);
    expect(await readDatabaseText(gateway.test.db, gateway.test.config.databaseFile)).not.toContain(
      DEFAULT_FAKE_OPENAI_API_KEY,
    );
    expect(await modelIds()).toContain('openai/gpt-4.1');
  });

  it('should refuse a wrong key with a message naming where it was tried, and save nothing', async () => {
    const refused = await call('PUT', '/api/credentials/openai', {
      apiKey: 'sk-wrong',
      baseUrl: gateway.fakeOpenAi.baseUrl,
    });
    expect(refused.status).toBe(400);
    expect(refused.body?.error.code).toBe('invalid_upstream_key');
    expect(refused.body?.error.message).toContain(`The key did not work with ${gateway.fakeOpenAi.baseUrl}`);
    expect((await call('GET', '/api/credentials')).body?.credentials).toEqual([]);
  });

  it('should explain an unreachable base URL instead of failing with a 500', async () => {
    const refused = await call('PUT', '/api/credentials/openai', { apiKey: 'sk-x', baseUrl: 'http://127.0.0.1:9/v1' });
    expect(refused.status).toBe(400);
    expect(refused.body?.error.message).toMatch(/did not work with http:\/\/127\.0\.0\.1:9\/v1/);
  });

  it.each([
    [{ apiKey: '' }, /apiKey.*is required/],
    [{ apiKey: 'sk-x', baseUrl: 'ftp://example.com' }, /baseUrl.*http\(s\) URL/],
    [{}, /apiKey/],
  ])('should answer 400 for %j', async (body, message) => {
    const refused = await call('PUT', '/api/credentials/openai', body);
    expect(refused.status).toBe(400);
    expect(refused.body?.error.message).toMatch(message);
  });

  it('should refuse an unknown provider', async () => {
    const refused = await call('PUT', '/api/credentials/mistral', { apiKey: 'x' });
    expect(refused.status).toBe(400);
    expect(refused.body?.error.message).toMatch(/must be openai, gemini or anthropic/);
  });

  it('should check a Gemini key with x-goog-api-key and forget it on delete', async () => {
    const refused = await call('PUT', '/api/credentials/gemini', { apiKey: 'AIzaWrong' });
    expect(refused.status).toBe(400);
    expect(refused.body?.error.message).toMatch(/did not work with the Gemini API/);

    const saved = await call('PUT', '/api/credentials/gemini', { apiKey: DEFAULT_FAKE_GEMINI_API_KEY });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ provider: 'gemini', baseUrl: null });
    expect(gateway.fakeGemini.requests.at(-1)?.headers['x-goog-api-key']).toBe(DEFAULT_FAKE_GEMINI_API_KEY);
    expect(await modelIds()).toContain('gemini/gemini-3.5-flash');

    expect((await call('DELETE', '/api/credentials/gemini')).status).toBe(204);
    expect((await call('GET', '/api/credentials')).body?.credentials).toEqual([]);
    expect(await modelIds()).toEqual([]);
  });

  it('should not let an API key or a request without the CSRF token change keys', async () => {
    const withKey = await fetch(`${gateway.url}/api/credentials/gemini`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: DEFAULT_FAKE_GEMINI_API_KEY }),
    });
    expect(withKey.status).toBe(403);
    const withoutCsrf = await fetch(`${gateway.url}/api/credentials/gemini`, {
      method: 'PUT',
      headers: { cookie: user.session.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ apiKey: DEFAULT_FAKE_GEMINI_API_KEY }),
    });
    expect(withoutCsrf.status).toBe(403);
    expect(((await withoutCsrf.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
  });
});

describe('routing settings', () => {
  it('should default to no fallback and store changes', async () => {
    expect((await call('GET', '/api/settings')).body).toEqual({
      fallbackToApiKeys: false,
      defaultModel: null,
      fallbackModel: null,
      fallbackProviders: ['openai', 'gemini', 'anthropic'],
    });
    const changed = await call('PATCH', '/api/settings', { fallbackToApiKeys: true, defaultModel: 'openai/gpt-4.1' });
    expect(changed.body).toEqual({
      fallbackToApiKeys: true,
      defaultModel: 'openai/gpt-4.1',
      fallbackModel: null,
      fallbackProviders: ['openai', 'gemini', 'anthropic'],
    });
    expect((await call('PATCH', '/api/settings', { fallbackProviders: ['gemini'] })).body).toMatchObject({
      fallbackToApiKeys: true,
      fallbackProviders: ['gemini'],
    });
    expect((await call('GET', '/api/settings')).body?.fallbackProviders).toEqual(['gemini']);
    const repeated = await call('PATCH', '/api/settings', { fallbackProviders: ['gemini', 'gemini'] });
    expect(repeated.status).toBe(400);
    expect(repeated.body?.error.message).toMatch(/must not repeat/);
    expect((await call('PATCH', '/api/settings', { fallbackModel: 'gpt-4o-mini' })).body).toMatchObject({
      fallbackToApiKeys: true,
      fallbackModel: 'gpt-4o-mini',
    });
  });

  it('should refuse settings of the wrong type', async () => {
    const refused = await call('PATCH', '/api/settings', { fallbackToApiKeys: 'yes' });
    expect(refused.status).toBe(400);
    expect(refused.body?.error.message).toMatch(/fallbackToApiKeys/);
  });

  it('should use the default model when a request names none', async () => {
    await call('PUT', '/api/credentials/openai', {
      apiKey: DEFAULT_FAKE_OPENAI_API_KEY,
      baseUrl: gateway.fakeOpenAi.baseUrl,
    });
    await call('PATCH', '/api/settings', { defaultModel: 'openai/gpt-4.1' });
    const answer = await user.client.chat({ content: 'Hi' });
    expect(answer.model).toBe('openai/gpt-4.1');
  });
});

describe('features', () => {
  it('should list the five built-in features to API keys and sessions alike', async () => {
    const response = await fetch(`${gateway.url}/api/ai/features`, {
      headers: { authorization: `Bearer ${user.apiKey}` },
    });
    const { features } = (await response.json()) as { features: { name: string; isCustomized: boolean }[] };
    expect(features.map((feature) => feature.name)).toEqual(['insight', 'summarize', 'rewrite', 'tags', 'translate']);
    expect(features.every((feature) => !feature.isCustomized)).toBe(true);
  });

  it('should refuse an unknown feature and an empty prompt', async () => {
    expect((await call('PUT', '/api/ai/features/poem', { prompt: 'x' })).status).toBe(400);
    const empty = await call('PUT', '/api/ai/features/tags', { prompt: '' });
    expect(empty.status).toBe(400);
    expect(empty.body?.error.message).toMatch(/prompt/);
  });

  it('should keep one user’s edits away from another user', async () => {
    await call('PUT', '/api/ai/features/tags', { prompt: 'Only hashtags.' });
    const other = await gateway.addUser({ email: `other${counter}@home.test` });
    const response = await gateway.sessionRequest(other, 'GET', '/api/ai/features');
    const { features } = (await response.json()) as { features: { name: string; prompt: string }[] };
    expect(features.find((feature) => feature.name === 'tags')?.prompt).not.toBe('Only hashtags.');
  });
});
