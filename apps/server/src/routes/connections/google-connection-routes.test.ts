import {
  DEFAULT_FAKE_GOOGLE_CLIENT,
  type FakeGeminiApi,
  type FakeGoogleOAuth,
  startFakeGeminiApi,
  startFakeGoogleOAuth,
} from '@pag/testkit';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../domain/accounts/create-api-key.ts';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../../test/build-test-app.ts';
import { readDatabaseText } from '../../test/read-database-bytes.ts';

// Gemini through a Google account connected with the user's own OAuth client, end to end against the strict fake
// accounts.google.com / oauth2.googleapis.com and a fake Gemini API that accepts only that fake's live tokens.
const CLIENT = DEFAULT_FAKE_GOOGLE_CLIENT;
let google: FakeGoogleOAuth;
let gemini: FakeGeminiApi;
let test: TestApp;
let owner: SignedInClient;

beforeAll(async () => {
  google = await startFakeGoogleOAuth({ autoApprove: true });
  gemini = await startFakeGeminiApi({
    verifyAccessToken: (token) => {
      const info = google.verifyAccessToken(token);
      return info == null ? false : { email: info.email, scopes: info.scopes };
    },
  });
});
afterAll(async () => {
  await Promise.all([google?.close(), gemini?.close()]);
});
beforeEach(async () => {
  google.reset();
  google.setModes({ autoApprove: true });
  gemini.reset();
  test = await buildTestApp({
    // The fake's default client registered exactly this redirect URI, as a user would in Google Cloud.
    GATEWAY_PUBLIC_URL: 'http://127.0.0.1:3000',
    GATEWAY_GOOGLE_AUTH_URL: google.authorizationEndpoint,
    GATEWAY_GOOGLE_TOKEN_URL: google.tokenEndpoint,
    GATEWAY_GOOGLE_REVOKE_URL: google.revocationEndpoint,
    GATEWAY_GEMINI_API_URL: gemini.url,
  });
  owner = await signInNewUser(test);
});
afterEach(async () => {
  await test.close();
});

function api(client: SignedInClient, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) {
  return test.app.inject({
    method,
    url,
    headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    ...(payload == null ? {} : { payload }),
  });
}

async function saveClient(client = owner, secret: string = CLIENT.clientSecret) {
  const response = await api(client, 'PUT', '/api/connections/google/client', {
    clientId: CLIENT.clientId,
    clientSecret: secret,
  });
  expect(response.statusCode, response.body).toBe(200);
  return response.json();
}

/** Starts the sign-in, lets the fake approve it, and returns the callback path the browser is sent to. */
async function signInAtGoogle(client = owner): Promise<string> {
  const started = await api(client, 'POST', '/api/connections/google/sign-in');
  expect(started.statusCode, started.body).toBe(201);
  const atGoogle = await fetch(started.json().authorizeUrl, { redirect: 'manual' });
  expect(atGoogle.status).toBe(302);
  const location = new URL(atGoogle.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:3000/api/connections/google/callback');
  return `${location.pathname}${location.search}`;
}

async function comeBack(callbackPath: string, client: SignedInClient | null = owner) {
  const response = await test.app.inject({
    method: 'GET',
    url: callbackPath,
    headers: client == null ? {} : { cookie: client.cookie },
  });
  expect(response.statusCode).toBe(303);
  return new URL(response.headers.location as string, 'http://127.0.0.1:3000');
}

async function askGemini(client = owner) {
  return api(client, 'POST', '/api/ai/chat', { content: 'Hello Gemini', model: 'gemini/gemini-3.5-flash' });
}

describe('the Google OAuth client', () => {
  it('should show the redirect URI to register, and the secret only masked', async () => {
    const before = await api(owner, 'GET', '/api/connections/google');
    expect(before.json()).toEqual({
      redirectUri: 'http://127.0.0.1:3000/api/connections/google/callback',
      client: null,
      connection: null,
    });
    const saved = await saveClient();
    expect(saved.client).toMatchObject({ clientId: CLIENT.clientId, secretHint: CLIENT.clientSecret.slice(-4) });
    expect(JSON.stringify(saved)).not.toContain(CLIENT.clientSecret);
    expect(await readDatabaseText(test.db, test.config.databaseFile)).not.toContain(CLIENT.clientSecret);
  });

  it.each([
    [{ clientId: '', clientSecret: 'x' }, /clientId.*is required/],
    [{ clientId: 'has spaces in it', clientSecret: 'x' }, /clientId.*apps\.googleusercontent\.com/],
    [{ clientId: CLIENT.clientId }, /clientSecret/],
  ])('should refuse %j with a message', async (payload, message) => {
    const response = await api(owner, 'PUT', '/api/connections/google/client', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(message);
  });

  it('should need a session and the CSRF token, and refuse gateway API keys', async () => {
    const payload = { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret };
    const anonymous = await test.app.inject({ method: 'PUT', url: '/api/connections/google/client', payload });
    expect(anonymous.statusCode).toBe(401);
    for (const [method, url] of [
      ['PUT', '/api/connections/google/client'],
      ['POST', '/api/connections/google/sign-in'],
      ['DELETE', '/api/connections/google/client'],
      ['DELETE', '/api/connections/google'],
    ] as const) {
      const noCsrf = await test.app.inject({ method, url, headers: { cookie: owner.cookie }, payload });
      expect(noCsrf.statusCode, `${method} ${url}`).toBe(403);
    }
    const { secret } = await createApiKey(test.connections, { userId: owner.userId, name: 'note app' });
    const withKey = await test.app.inject({
      method: 'GET',
      url: '/api/connections/google',
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(withKey.statusCode).toBe(403);
    expect(withKey.json().error.message).toMatch(/API keys cannot use this endpoint/);
  });

  it('should forget the client and the account it connected, revoking the grant', async () => {
    await saveClient();
    await comeBack(await signInAtGoogle());
    const response = await api(owner, 'DELETE', '/api/connections/google/client');
    expect(response.statusCode).toBe(204);
    expect(google.requests.filter((request) => request.path.endsWith('/revoke'))).toHaveLength(1);
    expect((await api(owner, 'GET', '/api/connections/google')).json()).toMatchObject({
      client: null,
      connection: null,
    });
    expect((await api(owner, 'GET', '/api/connections')).json().connections).toEqual([]);
  });

  it('should keep the account when only the secret changes, and disconnect it when the client changes', async () => {
    await saveClient();
    await comeBack(await signInAtGoogle());
    await saveClient(owner, '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lient');
    expect((await api(owner, 'GET', '/api/connections/google')).json().connection).not.toBeNull();
    const other = { clientId: '111111111111-another.apps.googleusercontent.com', clientSecret: 'GOCSPX-other' };
    expect((await api(owner, 'PUT', '/api/connections/google/client', other)).statusCode).toBe(200);
    const status = (await api(owner, 'GET', '/api/connections/google')).json();
    expect(status).toMatchObject({ client: { clientId: other.clientId, secretHint: 'ther' }, connection: null });
  });

  it('should ask for a client before a sign-in can start', async () => {
    const response = await api(owner, 'POST', '/api/connections/google/sign-in');
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toMatch(/No Google OAuth client is saved/);
  });
});

describe('connecting a Google account', () => {
  it('should connect with PKCE, keep the tokens encrypted, and answer Gemini requests with the bearer', async () => {
    await saveClient();
    const callbackPath = await signInAtGoogle();
    const landing = await comeBack(callbackPath);
    expect(landing.pathname).toBe('/settings/connections');
    expect(landing.searchParams.get('connected')).toBe('google');

    const authorize = google.requests.find((request) => request.path.endsWith('/auth'));
    expect(authorize?.query).toMatchObject({
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
    });

    const status = (await api(owner, 'GET', '/api/connections/google')).json();
    expect(status.connection).toMatchObject({ state: 'connected', email: google.accounts[0]?.email });
    expect(status.connection.scopes).toContain('https://www.googleapis.com/auth/generative-language.retriever');

    const listed = (await api(owner, 'GET', '/api/connections')).json().connections;
    expect(listed).toEqual([
      expect.objectContaining({
        provider: 'google',
        method: 'browser',
        email: google.accounts[0]?.email,
        state: 'connected',
        stateReason: null,
        planType: null,
        accountIdMasked: `••••${google.accounts[0]?.sub.slice(-4)}`,
        rateLimits: null,
      }),
    ]);

    const database = await readDatabaseText(test.db, test.config.databaseFile);
    for (const issued of google.issuedTokens) {
      expect(database).not.toContain(issued.accessToken);
      if (issued.refreshToken != null) expect(database).not.toContain(issued.refreshToken);
    }

    const answer = await askGemini();
    expect(answer.statusCode, answer.body).toBe(200);
    expect(answer.json()).toMatchObject({ provider: 'gemini', model: 'gemini/gemini-3.5-flash' });
    const call = gemini.requests.find((request) => request.method === 'POST');
    expect(call?.headers.authorization).toBe(`Bearer ${google.issuedTokens.at(-1)?.accessToken}`);
    expect(call?.headers['x-goog-api-key']).toBeUndefined();

    const models = await api(owner, 'GET', '/api/ai/models');
    expect((models.json().models as { id: string }[]).map((model) => model.id)).toContain('gemini/gemini-3.5-flash');
  });

  it('should refresh an access token that is about to expire, and then use the new one', async () => {
    await saveClient();
    await comeBack(await signInAtGoogle());
    const first = google.issuedTokens.at(-1)?.accessToken;
    test.advanceTime(58 * 60_000);
    const answer = await askGemini();
    expect(answer.statusCode, answer.body).toBe(200);
    const refreshed = google.issuedTokens.at(-1)?.accessToken;
    expect(refreshed).not.toBe(first);
    expect(gemini.requests.filter((request) => request.method === 'POST').at(-1)?.headers.authorization).toBe(
      `Bearer ${refreshed}`,
    );
    expect((await api(owner, 'GET', '/api/connections/google')).json().connection.lastRefreshAt).not.toBeNull();
  });

  it('should refresh once and retry when Gemini refuses an access token before it expires', async () => {
    await saveClient();
    await comeBack(await signInAtGoogle());
    const first = google.issuedTokens.at(-1)?.accessToken;
    google.expireAccessTokens();
    const answer = await askGemini();
    expect(answer.statusCode, answer.body).toBe(200);
    const calls = gemini.requests.filter((request) => request.method === 'POST');
    expect(calls.map((request) => request.headers.authorization === `Bearer ${first}`)).toEqual([true, false]);
  });

  it('should ask to reconnect, clearly, when Google refuses the refresh token', async () => {
    await saveClient();
    await comeBack(await signInAtGoogle());
    google.expireRefreshTokens();
    test.advanceTime(58 * 60_000);
    const answer = await askGemini();
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error).toMatchObject({ code: 'reconnect_required' });
    expect(answer.json().error.message).toMatch(/connect the Google account again/);
    const status = (await api(owner, 'GET', '/api/connections/google')).json();
    expect(status.connection.state).toBe('reconnect_required');
    const [listed] = (await api(owner, 'GET', '/api/connections')).json().connections;
    expect(listed).toMatchObject({ provider: 'google', state: 'reconnect_required', stateReason: 'invalid_grant' });
    expect(listed.stateMessage).toMatch(/connect the Google account again/);
    // Nothing retries a dead refresh token: the next request fails without calling Google.
    const refreshesBefore = google.requests.filter((request) => request.path.endsWith('/token')).length;
    expect((await askGemini()).statusCode).toBe(409);
    expect(google.requests.filter((request) => request.path.endsWith('/token')).length).toBe(refreshesBefore);
  });

  it('should refuse a replayed callback and another user’s callback', async () => {
    await saveClient();
    const callbackPath = await signInAtGoogle();
    const intruder = await signInNewUser(test, 'intruder@example.com', '127.0.0.9');
    const stolen = await comeBack(callbackPath, intruder);
    expect(stolen.searchParams.get('google_error')).toMatch(/unknown or was already used/);
    expect((await api(intruder, 'GET', '/api/connections/google')).json().connection).toBeNull();

    expect((await comeBack(callbackPath)).searchParams.get('connected')).toBe('google');
    const replay = await comeBack(callbackPath);
    expect(replay.searchParams.get('google_error')).toMatch(/unknown or was already used/);
  });

  it('should refuse a sign-in that took longer than 10 minutes', async () => {
    await saveClient();
    const callbackPath = await signInAtGoogle();
    test.advanceTime(11 * 60_000);
    const landing = await comeBack(callbackPath);
    expect(landing.searchParams.get('google_error')).toMatch(/longer than 10 minutes/);
    expect(google.requests.filter((request) => request.path.endsWith('/token'))).toHaveLength(0);
  });

  it('should redirect with a message, never a 5xx, when the callback is malformed', async () => {
    await saveClient();
    const callbackPath = await signInAtGoogle();
    const state = new URL(callbackPath, 'http://127.0.0.1:3000').searchParams.get('state') ?? '';
    const noCode = await comeBack(`/api/connections/google/callback?state=${encodeURIComponent(state)}`);
    expect(noCode.searchParams.get('google_error')).toBeTruthy();
    const noState = await comeBack('/api/connections/google/callback?code=abc');
    expect(noState.searchParams.get('google_error')).toMatch(/without a state/);
  });

  it('should send a signed-out browser back with a message, not an error page', async () => {
    await saveClient();
    const landing = await comeBack(await signInAtGoogle(), null);
    expect(landing.searchParams.get('google_error')).toMatch(/Sign in to the gateway/);
  });

  it('should say the client secret is wrong when Google refuses the client', async () => {
    await saveClient(owner, 'GOCSPX-not-the-secret');
    const landing = await comeBack(await signInAtGoogle());
    expect(landing.searchParams.get('google_error')).toMatch(/check the client id and secret/);
    expect((await api(owner, 'GET', '/api/connections/google')).json().connection).toBeNull();
  });

  it('should report a declined consent', async () => {
    await saveClient();
    google.setModes({ autoApprove: false });
    const started = await api(owner, 'POST', '/api/connections/google/sign-in');
    await fetch(started.json().authorizeUrl, { redirect: 'manual' });
    const { location } = google.denyConsent();
    const url = new URL(location);
    const landing = await comeBack(`${url.pathname}${url.search}`);
    expect(landing.searchParams.get('google_error')).toMatch(/not granted/);
  });

  it('should revoke at Google and forget the tokens on disconnect', async () => {
    await saveClient();
    await comeBack(await signInAtGoogle());
    const refreshToken = google.issuedTokens.at(-1)?.refreshToken;
    const response = await api(owner, 'DELETE', '/api/connections/google');
    expect(response.statusCode).toBe(204);
    const revocation = google.requests.find((request) => request.path.endsWith('/revoke'));
    expect(revocation?.form?.token).toBe(refreshToken);
    expect((await api(owner, 'GET', '/api/connections/google')).json().connection).toBeNull();
    const answer = await askGemini();
    expect(answer.statusCode).toBe(409);
    expect(answer.json().error.code).toBe('no_provider');
  });
});
