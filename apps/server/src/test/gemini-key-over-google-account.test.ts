import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveGoogleConnection } from '../domain/google/save-google-connection.ts';
import { type AiTestGateway, type AiTestUser, FAKE_GEMINI_KEYS, startAiTestGateway } from './start-ai-test-gateway.ts';

// README, "Connecting a Google account for Gemini": a saved Gemini API key takes precedence over the Google account.
// A user with both sends the key; without the key the same user's requests carry the Google account's bearer (so
// the first half could fail).
const GOOGLE_ACCESS_TOKEN = 'ya29.issue16-google-access-token';
let gateway: AiTestGateway;
let user: AiTestUser;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'both@home.test', geminiKey: FAKE_GEMINI_KEYS[1] });
  await saveGoogleConnection(gateway.test.connections, {
    userId: user.userId,
    tokens: {
      accessToken: GOOGLE_ACCESS_TOKEN,
      refreshToken: 'issue16-google-refresh-token',
      idToken: undefined,
      expiresInSeconds: 3600,
      scopes: ['https://www.googleapis.com/auth/generative-language.retriever', 'openid', 'email'],
    },
    claims: { sub: 'google-sub-16', email: 'both@gmail.test', isEmailVerified: true, name: null, picture: null },
  });
});
afterAll(async () => {
  await gateway?.close();
});

/** The credentials of every call the Gemini fake received since `since`. */
function geminiCredentialsSince(since: number) {
  return gateway.fakeGemini.requests.slice(since).map((request) => ({
    path: request.path,
    key: request.headers['x-goog-api-key'] ?? null,
    bearer: request.headers.authorization ?? null,
  }));
}

const ask = () =>
  fetch(`${gateway.url}/api/ai/chat`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'gemini/gemini-3.5-flash', content: 'Hi' }),
    signal: AbortSignal.timeout(10_000),
  });

describe('issue 16: a Gemini API key is preferred over the Google account', () => {
  it('issue 16: with both, every Gemini call carries the key and never the account’s bearer', async () => {
    const connections = await gateway.sessionRequest(user, 'GET', '/api/connections');
    expect(JSON.stringify(await connections.json())).toContain('both@gmail.test');
    const since = gateway.fakeGemini.requests.length;
    const answer = await ask();
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { provider: string }).provider).toBe('gemini');
    const calls = geminiCredentialsSince(since);
    expect(calls.some((call) => call.path.endsWith(':streamGenerateContent'))).toBe(true);
    for (const call of calls) expect(call).toMatchObject({ key: FAKE_GEMINI_KEYS[1], bearer: null });
  });

  it('issue 16: once the key is deleted, the same user’s calls go out with the Google account', async () => {
    expect((await gateway.sessionRequest(user, 'DELETE', '/api/credentials/gemini')).status).toBe(204);
    const since = gateway.fakeGemini.requests.length;
    await (await ask()).text();
    const calls = geminiCredentialsSince(since);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call).toMatchObject({ key: null, bearer: `Bearer ${GOOGLE_ACCESS_TOKEN}` });
  });
});
