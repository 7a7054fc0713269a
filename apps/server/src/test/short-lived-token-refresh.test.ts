import {
  type FakeCodexBackend,
  type FakeOpenAiAuth,
  startFakeCodexBackend,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { buildTestApp, type TestApp } from './build-test-app.ts';
import { findRefreshRequests } from './find-refresh-requests.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';

// Issue 16 failure 8: an access token that lives shorter than the refresh window (5 minutes by default) was due the
// moment it arrived, so every request refreshed it. The window is now at most half the token's lifetime.

/** One clock for the gateway and the fake auth server, so the tokens it mints expire on the gateway's time. */
let offsetMs = 0;
const now = () => Date.now() + offsetMs;

let fakeAuth: FakeOpenAiAuth;
let fakeCodex: FakeCodexBackend;
let test: TestApp;
beforeEach(async () => {
  offsetMs = 0;
  // Every token this fake issues, refreshed ones included, lives two minutes: well inside the 5-minute window.
  fakeAuth = await startFakeOpenAiAuth({ accessTokenTtlSeconds: 120, now });
  fakeCodex = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth) });
  test = await buildTestApp({
    GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
    GATEWAY_CHATGPT_BACKEND_URL: fakeCodex.baseUrl,
  });
});
afterEach(async () => {
  await test.close();
  await Promise.all([fakeAuth.close(), fakeCodex.close()]);
});

it('issue 16: should refresh a token that lives shorter than the refresh window once for 10 chats, not 10 times', async () => {
  const { user } = await seedChatgptConnection({
    context: test.connections,
    fake: fakeAuth,
    accessTokenTtlSeconds: 120,
    receivedSecondsAgo: 0,
  });
  const { secret } = await createApiKey(test.connections, { userId: user.id, name: 'notes' });

  // Ten chats 10 s apart, 90 s in all: the first token is due at its half-life (60 s) and refreshed once; the new
  // one, again two minutes long, is not due before the last chat.
  const statuses: number[] = [];
  for (let chat = 0; chat < 10; chat++) {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/ai/chat',
      headers: { authorization: `Bearer ${secret}` },
      payload: { model: 'chatgpt/gpt-5.5', content: `chat ${chat}` },
    });
    statuses.push(response.statusCode);
    offsetMs += 10_000;
    test.advanceTime(10_000);
  }

  expect(statuses).toEqual(Array.from({ length: 10 }, () => 200));
  const refreshes = findRefreshRequests(fakeAuth);
  expect(refreshes).toHaveLength(1);
  expect(fakeCodex.findRequests({ method: 'POST', path: '/backend-api/codex/responses' })).toHaveLength(10);
});
