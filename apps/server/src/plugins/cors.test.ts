import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../test/build-test-app.ts';

const NOTES = 'https://notes.example.com';
const OPERATOR_APP = 'http://localhost:5173';
const EVIL = 'https://evil.example.net';
/** The gateway's own origin in these tests (GATEWAY_PUBLIC_URL). */
const OWN = 'https://gateway.example.com';

let test: TestApp;
let owner: SignedInClient;
beforeEach(async () => {
  test = await buildTestApp({ GATEWAY_PUBLIC_URL: OWN, GATEWAY_CORS_ORIGINS: OPERATOR_APP });
  owner = await signInNewUser(test);
});
afterEach(async () => {
  await test.close();
});

type Policy = { allowedModels: string[] | null; subscriptionOnly: boolean; allowedOrigins: string[] };
const policyWith = (allowedOrigins: string[]): Policy => ({
  allowedModels: null,
  subscriptionOnly: false,
  allowedOrigins,
});

async function createKey(policy?: Policy) {
  const response = await test.app.inject({
    method: 'POST',
    url: '/api/keys',
    headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
    payload: { name: 'note app', ...(policy == null ? {} : { policy }) },
  });
  expect(response.statusCode).toBe(201);
  return response.json() as { key: { id: string; policy: Policy }; secret: string };
}

const patchKey = (id: string, body: object) =>
  test.app.inject({
    method: 'PATCH',
    url: `/api/keys/${id}`,
    headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
    payload: body,
  });

const preflight = (url: string, origin: string) =>
  test.app.inject({
    method: 'OPTIONS',
    url,
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

const corsHeadersOf = (headers: Record<string, unknown>) =>
  Object.keys(headers).filter((name) => name.startsWith('access-control-'));

describe('issue 18: CORS preflight', () => {
  it.each(['/api/ai/stream', '/api/ai/chat', '/v1/chat/completions', '/v1/models', '/api/openapi.json'])(
    'issue 18: an origin a key allows gets 204 with the allow headers on %s',
    async (url) => {
      await createKey(policyWith([NOTES]));
      const response = await preflight(url, NOTES);
      expect(response.statusCode).toBe(204);
      expect(response.headers['access-control-allow-origin']).toBe(NOTES);
      expect(response.headers.vary).toMatch(/Origin/);
      expect(response.headers['access-control-allow-methods']).toBe('GET, POST, OPTIONS');
      expect(response.headers['access-control-allow-headers']).toBe(
        'authorization, content-type, last-event-id, x-api-key, anthropic-version, anthropic-beta',
      );
      expect(response.headers['access-control-max-age']).toBe('600');
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
    },
  );

  it('issue 18: an origin in GATEWAY_CORS_ORIGINS is allowed with no key listing it', async () => {
    const response = await preflight('/v1/chat/completions', OPERATOR_APP);
    expect(response.statusCode).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(OPERATOR_APP);
  });

  it('issue 18: any other origin gets 204 with no allow headers, and a log line', async () => {
    await createKey(policyWith([NOTES]));
    const response = await preflight('/api/ai/stream', EVIL);
    expect(response.statusCode).toBe(204);
    expect(corsHeadersOf(response.headers)).toEqual([]);
    expect(response.headers.vary).toMatch(/Origin/);
    expect(test.logs.some((line) => line.includes('CORS: origin not allowed') && line.includes(EVIL))).toBe(true);
  });

  it('issue 18: nothing is allowed by default (no operator list, no key listing an origin)', async () => {
    await createKey();
    const response = await preflight('/api/ai/stream', 'http://localhost:3000');
    expect(corsHeadersOf(response.headers)).toEqual([]);
  });

  it('issue 18: an origin removed from the last key that listed it is refused on the very next preflight', async () => {
    const { key } = await createKey(policyWith([NOTES]));
    expect((await preflight('/api/ai/stream', NOTES)).headers['access-control-allow-origin']).toBe(NOTES);
    expect((await patchKey(key.id, { policy: policyWith([]) })).statusCode).toBe(200);
    expect(corsHeadersOf((await preflight('/api/ai/stream', NOTES)).headers)).toEqual([]);
  });

  it('issue 18: a revoked key no longer allows its origins', async () => {
    const { key } = await createKey(policyWith([NOTES]));
    await test.app.inject({
      method: 'DELETE',
      url: `/api/keys/${key.id}`,
      headers: { cookie: owner.cookie, 'x-csrf-token': owner.csrfToken },
    });
    expect(corsHeadersOf((await preflight('/api/ai/stream', NOTES)).headers)).toEqual([]);
  });

  it.each(['/api/keys', '/api/settings', '/api/auth/session', '/api/me'])(
    'issue 18: the settings UI route %s never answers CORS, even for an allowed origin',
    async (url) => {
      await createKey(policyWith([NOTES]));
      const response = await preflight(url, NOTES);
      expect(response.statusCode).not.toBe(204);
      expect(corsHeadersOf(response.headers)).toEqual([]);
      const real = await test.app.inject({ method: 'GET', url, headers: { origin: NOTES, cookie: owner.cookie } });
      expect(corsHeadersOf(real.headers)).toEqual([]);
    },
  );
});

describe('issue 18: real cross-origin requests', () => {
  it('issue 18: a key used from an origin it allows works, and the app may read the answer and its hints', async () => {
    const { secret } = await createKey(policyWith([NOTES]));
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/ai/models',
      headers: { origin: NOTES, authorization: `Bearer ${secret}` },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(NOTES);
    expect(response.headers['access-control-expose-headers']).toBe(
      'x-stream-id, retry-after, x-gateway-provider, x-should-retry',
    );
    expect(response.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('issue 18: a refused origin is refused with 403 origin_not_allowed, and gets no CORS header', async () => {
    const { secret } = await createKey(policyWith([NOTES]));
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/ai/chat',
      headers: { origin: EVIL, authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      payload: { content: 'Hi' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('origin_not_allowed');
    expect(response.json().error.message).toMatch(
      /https:\/\/evil\.example\.net.*Settings → API keys.*GATEWAY_CORS_ORIGINS/,
    );
    expect(corsHeadersOf(response.headers)).toEqual([]);
  });

  it("issue 18: an origin another key allows does not open this key (the caller's own policy decides)", async () => {
    await createKey(policyWith([NOTES]));
    const { secret: other } = await createKey();
    const response = await test.app.inject({
      method: 'GET',
      url: '/v1/models',
      headers: { origin: NOTES, authorization: `Bearer ${other}` },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('origin_not_allowed');
    // Allowed somewhere, so the app can read why it was refused.
    expect(response.headers['access-control-allow-origin']).toBe(NOTES);
  });

  it('issue 18: the operator list opens every key', async () => {
    const { secret } = await createKey();
    const response = await test.app.inject({
      method: 'GET',
      url: '/api/ai/models',
      headers: { origin: OPERATOR_APP, authorization: `Bearer ${secret}` },
    });
    expect(response.statusCode).toBe(200);
  });

  it('issue 18: programs that send no Origin, and the gateway own pages, are unaffected', async () => {
    const { secret } = await createKey();
    const program = await test.app.inject({
      method: 'GET',
      url: '/api/ai/models',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(program.statusCode).toBe(200);
    expect(corsHeadersOf(program.headers)).toEqual([]);
    const page = await test.app.inject({
      method: 'GET',
      url: '/api/ai/models',
      headers: { origin: OWN, cookie: owner.cookie },
    });
    expect(page.statusCode).toBe(200);
    expect(corsHeadersOf(page.headers)).toEqual([]);
  });
});

describe('issue 18: a cross-origin request never authenticates with the session cookie', () => {
  it.each([NOTES, EVIL, OPERATOR_APP, 'null'])('issue 18: the cookie is ignored from %s', async (origin) => {
    await createKey(policyWith([NOTES]));
    const models = await test.app.inject({
      method: 'GET',
      url: '/api/ai/models',
      headers: { origin, cookie: owner.cookie },
    });
    expect(models.statusCode).toBe(401);
    expect(models.json().error.message).toMatch(/gateway API key/);
    const chat = await test.app.inject({
      method: 'POST',
      url: '/api/ai/chat',
      headers: { origin, cookie: owner.cookie, 'x-csrf-token': owner.csrfToken, 'content-type': 'application/json' },
      payload: { content: 'Hi' },
    });
    expect([401, 403]).toContain(chat.statusCode);
    expect(chat.json().error.code).not.toBe('origin_not_allowed');
    const me = await test.app.inject({ method: 'GET', url: '/api/me', headers: { origin, cookie: owner.cookie } });
    expect(me.statusCode).toBe(401);
    const keys = await test.app.inject({ method: 'GET', url: '/api/keys', headers: { origin, cookie: owner.cookie } });
    expect(keys.statusCode).toBe(401);
  });

  it('issue 18: the same cookie from the gateway own origin still works on every kind of route', async () => {
    for (const url of ['/api/ai/models', '/api/me', '/api/keys']) {
      const response = await test.app.inject({ method: 'GET', url, headers: { origin: OWN, cookie: owner.cookie } });
      expect(response.statusCode).toBe(200);
    }
  });
});

describe('issue 18: the key policy through the API', () => {
  it('issue 18: a key is unrestricted unless given a policy; PATCH replaces it and the list shows it', async () => {
    const { key } = await createKey();
    expect(key.policy).toEqual({ allowedModels: null, subscriptionOnly: false, allowedOrigins: [] });
    const policy = {
      allowedModels: ['chatgpt/*', 'openai/gpt-5-mini'],
      subscriptionOnly: true,
      allowedOrigins: [NOTES],
    };
    const patched = await patchKey(key.id, { policy });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().policy).toEqual(policy);
    expect(patched.json().reasoningOutput).toBe('field');
    const listed = await test.app.inject({ method: 'GET', url: '/api/keys', headers: { cookie: owner.cookie } });
    expect(listed.json().keys[0].policy).toEqual(policy);
    // The reasoning setting alone leaves the policy as it is.
    expect((await patchKey(key.id, { reasoningOutput: 'hidden' })).json().policy).toEqual(policy);
  });

  it.each([
    ['an origin with a path', { allowedOrigins: ['https://notes.example.com/app'] }, /origin/],
    ['a wildcard origin', { allowedOrigins: ['*'] }, /origin/],
    ['a model pattern without provider', { allowedModels: ['gpt-5'] }, /provider\/model/],
  ])('issue 18: a policy with %s is refused with a 400 that says what to fix', async (_what, changes, message) => {
    const { key } = await createKey();
    const response = await patchKey(key.id, { policy: { ...policyWith([]), ...changes } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(message);
  });

  it('issue 18: an empty PATCH is refused', async () => {
    const { key } = await createKey();
    const response = await patchKey(key.id, {});
    expect(response.statusCode).toBe(400);
  });
});
