import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { TIMEOUT_MS } from '../test-fetch.ts';
import type { FakeGeminiScenarioInput } from './fake-gemini-scenario.ts';
import { startFakeGeminiApi } from './gemini-api-fake.ts';
import { API_KEY, postGemini, USER_CONTENTS } from './test-support.ts';

afterEach(closeAllFakeServers);

const get = (url: string, headers: Record<string, string> = { 'x-goog-api-key': API_KEY }) =>
  fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });

const UNREGISTERED = {
  error: {
    code: 403,
    message:
      "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other " +
      'form of API consumer identity to call this API.',
    status: 'PERMISSION_DENIED',
  },
};
const BAD_KEY = {
  error: {
    code: 400,
    message: 'API key not valid. Please pass a valid API key.',
    status: 'INVALID_ARGUMENT',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
      {
        '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
        locale: 'en-US',
        message: 'API key not valid. Please pass a valid API key.',
      },
    ],
  },
};
const BAD_TOKEN = {
  error: {
    code: 401,
    message:
      'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid ' +
      'authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.',
    status: 'UNAUTHENTICATED',
  },
};
const SCOPES = {
  error: {
    code: 403,
    message: 'Request had insufficient authentication scopes.',
    status: 'PERMISSION_DENIED',
    details: [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
    ],
  },
};

describe('startFakeGeminiApi', () => {
  const verifyAccessToken = (token: string) =>
    token === 'ya29.good'
      ? { email: 'user@example.com' }
      : token === 'ya29.narrow'
        ? { email: 'user@example.com', scopes: ['openid', 'email'] }
        : false;

  it.each<[string, string, Record<string, string>, number, unknown]>([
    ['no credentials', '', {}, 403, UNREGISTERED],
    ['an unknown key in the header', '', { 'x-goog-api-key': 'AIza-wrong' }, 400, BAD_KEY],
    ['an unknown key in ?key=', '?key=AIza-wrong', {}, 400, BAD_KEY],
    ['an empty header key', '', { 'x-goog-api-key': '' }, 403, UNREGISTERED],
    ['an unknown bearer token', '', { authorization: 'Bearer ya29.bad' }, 401, BAD_TOKEN],
    ['a bearer token without a Gemini scope', '', { authorization: 'Bearer ya29.narrow' }, 403, SCOPES],
    ['a Basic credential', '', { authorization: 'Basic dXNlcjpwYXNz' }, 403, UNREGISTERED],
  ])('should reject %s on every endpoint', async (_case, query, headers, status, body) => {
    const fake = await startFakeGeminiApi({ verifyAccessToken });
    for (const [method, path] of [
      ['GET', '/v1beta/models'],
      ['GET', '/v1beta/models/gemini-3.5-flash'],
      ['POST', '/v1beta/models/gemini-3.5-flash:generateContent'],
      ['POST', '/v1beta/models/gemini-3.5-flash:streamGenerateContent'],
      ['POST', '/v1beta/models/gemini-3.5-flash:countTokens'],
      ['POST', '/v1beta/models/gemini-embedding-001:embedContent'],
      ['POST', '/v1beta/models/gemini-embedding-001:batchEmbedContents'],
    ] as const) {
      const response = await fetch(`${fake.url}${path}${query}`, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(method === 'POST' ? { body: JSON.stringify({ contents: USER_CONTENTS }) } : {}),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      expect([path, response.status]).toEqual([path, status]);
      expect(await response.json()).toEqual(body);
    }
    expect(fake.callers).toEqual([]);
  });

  it('should accept a key in the header or ?key=, and a verified bearer token, recording the caller', async () => {
    const fake = await startFakeGeminiApi({ verifyAccessToken: async (token) => verifyAccessToken(token) });

    const byHeader = await get(`${fake.url}/v1beta/models`);
    const byQuery = await get(`${fake.url}/v1beta/models?key=${API_KEY}`, {});
    const byToken = await get(`${fake.url}/v1beta/models`, { authorization: 'Bearer ya29.good' });

    expect([byHeader.status, byQuery.status, byToken.status]).toEqual([200, 200, 200]);
    expect(fake.callers).toEqual([
      { method: 'GET', path: '/v1beta/models', kind: 'api-key', apiKey: API_KEY },
      { method: 'GET', path: '/v1beta/models', kind: 'api-key', apiKey: API_KEY },
      { method: 'GET', path: '/v1beta/models', kind: 'oauth', email: 'user@example.com' },
    ]);
  });

  it('should reject every bearer token when no verifier is configured', async () => {
    const fake = await startFakeGeminiApi();

    const response = await get(`${fake.url}/v1beta/models`, { authorization: 'Bearer ya29.good' });

    expect(response.status).toBe(401);
  });

  it('should page models.list with pageSize and pageToken, embedding model included', async () => {
    const fake = await startFakeGeminiApi();
    const pages: { models: { name: string }[]; nextPageToken?: string }[] = [];
    let token = '';
    do {
      const response = await get(`${fake.url}/v1beta/models?pageSize=4${token === '' ? '' : `&pageToken=${token}`}`);
      const page = (await response.json()) as (typeof pages)[number];
      pages.push(page);
      token = page.nextPageToken ?? '';
    } while (token !== '');

    expect(pages.map((page) => page.models.length)).toEqual([4, 2]);
    expect(pages.flatMap((page) => page.models.map((model) => model.name))).toEqual([
      'models/gemini-3.5-flash',
      'models/gemini-3.1-pro-preview',
      'models/gemini-3.1-flash-lite',
      'models/gemini-2.5-flash',
      'models/gemini-2.5-pro',
      'models/gemini-embedding-001',
    ]);
    expect(pages[1]).not.toHaveProperty('nextPageToken');
    expect(pages[1]?.models[1]).toEqual({
      name: 'models/gemini-embedding-001',
      version: '001',
      displayName: 'Gemini Embedding 001',
      description: 'Fake Gemini Embedding 001 served by @pag/testkit.',
      inputTokenLimit: 2048,
      outputTokenLimit: 1,
      supportedGenerationMethods: ['embedContent', 'countTextTokens', 'countTokens', 'asyncBatchEmbedContent'],
    });
  });

  it('should answer the whole list on one page by default', async () => {
    const fake = await startFakeGeminiApi();

    const body = (await (await get(`${fake.url}/v1beta/models`)).json()) as { models: unknown[] };

    expect(body.models).toHaveLength(6);
    expect(body).not.toHaveProperty('nextPageToken');
  });

  it.each<[string, string, number, unknown]>([
    [
      'a non-numeric pageSize',
      '?pageSize=ten',
      400,
      {
        error: {
          code: 400,
          message: 'Invalid value at \'page_size\' (TYPE_INT32), "ten"',
          status: 'INVALID_ARGUMENT',
          details: [
            {
              '@type': 'type.googleapis.com/google.rpc.BadRequest',
              fieldViolations: [
                { field: 'page_size', description: 'Invalid value at \'page_size\' (TYPE_INT32), "ten"' },
              ],
            },
          ],
        },
      },
    ],
    [
      'a forged pageToken',
      '?pageToken=bm9wZQ',
      400,
      { error: { code: 400, message: 'Invalid page token.', status: 'INVALID_ARGUMENT' } },
    ],
  ])('should reject %s', async (_case, query, status, body) => {
    const fake = await startFakeGeminiApi();

    const response = await get(`${fake.url}/v1beta/models${query}`);

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual(body);
  });

  it('should get one model and answer NOT_FOUND for an unknown one', async () => {
    const fake = await startFakeGeminiApi();

    const one = await get(`${fake.url}/v1beta/models/gemini-2.5-flash`);
    const missing = await get(`${fake.url}/v1beta/models/gemini-9`);

    expect(await one.json()).toMatchObject({ name: 'models/gemini-2.5-flash', thinking: true });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { code: 404, message: 'models/gemini-9 is not found for API version v1beta.', status: 'NOT_FOUND' },
    });
  });

  it('should answer Google JSON pretty-printed, as the real API does', async () => {
    const fake = await startFakeGeminiApi();

    const response = await get(`${fake.url}/v1beta/models/gemini-2.5-flash`);

    expect(response.headers.get('content-type')).toBe('application/json; charset=UTF-8');
    expect((await response.text()).startsWith('{\n  "name": "models/gemini-2.5-flash",\n')).toBe(true);
  });

  it('should answer 404 for unknown paths, versions and methods', async () => {
    const fake = await startFakeGeminiApi();

    const responses = await Promise.all([
      get(`${fake.url}/v1/models`),
      postGemini({ url: `${fake.url}/v1beta/models/gemini-3.5-flash:predict`, body: {} }),
      postGemini({ url: `${fake.url}/v1beta/models/gemini-3.5-flash`, body: {} }),
      get(`${fake.url}/v1beta/models/gemini-3.5-flash:generateContent`),
    ]);

    expect(responses.map((response) => response.status)).toEqual([404, 404, 404, 404]);
    expect(await responses[1]?.json()).toEqual({
      error: 'no route for POST /v1beta/models/gemini-3.5-flash:predict in fake gemini-api',
    });
  });

  it('should serve a retired model as configured: 404 or 503', async () => {
    const fake = await startFakeGeminiApi({
      models: [
        { id: 'gemini-2.5-pro', retiredStatus: 404 },
        { id: 'gemini-2.5-flash', retiredStatus: 503 },
      ],
    });

    const gone = await postGemini({
      url: `${fake.url}/v1beta/models/gemini-2.5-pro:generateContent`,
      body: { contents: USER_CONTENTS },
    });
    const unavailable = await postGemini({
      url: `${fake.url}/v1beta/models/gemini-2.5-flash:generateContent`,
      body: { contents: USER_CONTENTS },
    });

    expect(await gone.json()).toEqual({
      error: {
        code: 404,
        message:
          'models/gemini-2.5-pro is not found for API version v1beta, or is not supported for generateContent. Call ' +
          'ListModels to see the list of available models and their supported methods.',
        status: 'NOT_FOUND',
      },
    });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.json()).toEqual({
      error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' },
    });
  });

  it('should reset to its starting state and drive scenarios over the HTTP hooks', async () => {
    const fake = await startFakeGeminiApi({ scenarios: ['overloaded'] });
    const hooks = `${fake.url}/__testkit`;
    const signal = AbortSignal.timeout(TIMEOUT_MS);
    await get(`${fake.url}/v1beta/models`);

    await fetch(`${hooks}/reset`, { method: 'POST', signal });
    const pushed = await fetch(`${hooks}/scenarios`, {
      method: 'POST',
      body: JSON.stringify({ scenarios: ['rate-limit'] }),
      signal,
    });
    const limited = await postGemini({
      url: `${fake.url}/v1beta/models/gemini-3.5-flash:generateContent`,
      body: { contents: USER_CONTENTS },
    });
    const requests = (await (await fetch(`${hooks}/requests`, { signal })).json()) as { requests: { path: string }[] };

    expect(await pushed.json()).toEqual({ pending: 2 });
    expect(limited.status).toBe(503);
    expect(fake.pendingScenarios).toEqual([{ kind: 'http-error', status: 429, quota: 'per-minute' }]);
    expect(requests.requests.map((request) => request.path)).toEqual([
      '/v1beta/models/gemini-3.5-flash:generateContent',
    ]);
    fake.reset();
    expect(fake.callers).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it.each<[string, FakeGeminiScenarioInput, RegExp]>([
    ['an unknown preset', 'nope' as never, /"scenario" "nope" is not a preset/],
    [
      'a function call without args',
      { kind: 'reply', functionCalls: [{ name: 'f' } as never] },
      /needs a name and an args object/,
    ],
  ])('should refuse to start with %s', async (_case, scenario, message) => {
    await expect(startFakeGeminiApi({ scenarios: [scenario] })).rejects.toThrow(message);
  });
});
