import {
  type FakeCodexBackend,
  type FakeOpenAiAuth,
  startFakeCodexBackend,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connections } from '../../db/schema.ts';
import { createApiKey } from '../../domain/accounts/create-api-key.ts';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../../test/build-test-app.ts';
import { waitFor } from '../../test/run-process.ts';
import { seedChatgptConnection } from '../../test/seed-chatgpt-connection.ts';

// Issue 14, point 5: one ChatGPT account per gateway user, never pooled. The fake auth server approves every sign-in
// as its first account, which the owner has already connected.
let fakeAuth: FakeOpenAiAuth;
let fakeCodex: FakeCodexBackend;
let test: TestApp;
let owner: { userId: string; apiKey: string };
let other: SignedInClient;

beforeAll(async () => {
  fakeAuth = await startFakeOpenAiAuth({
    accounts: [{ email: 'alice@example.com' }, { email: 'bob@example.com' }],
    autoApprove: true,
    deviceInterval: '1',
  });
  fakeCodex = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth) });
});
afterAll(async () => {
  await Promise.all([fakeAuth.close(), fakeCodex.close()]);
});
beforeEach(async () => {
  fakeAuth.reset();
  fakeAuth.setModes({ autoApprove: true });
  fakeCodex.reset();
  test = await buildTestApp({
    GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
    GATEWAY_CHATGPT_BACKEND_URL: fakeCodex.baseUrl,
  });
  const seeded = await seedChatgptConnection({
    context: test.connections,
    fake: fakeAuth,
    email: 'alice@gateway.test',
    account: 'alice@example.com',
    accessTokenTtlSeconds: 3600,
  });
  owner = {
    userId: seeded.user.id,
    apiKey: (await createApiKey(test.connections, { userId: seeded.user.id, name: 'notes' })).secret,
  };
  other = await signInNewUser(test, 'mallory@gateway.test', '127.0.0.9');
});
afterEach(async () => {
  await test.close();
});

function api(client: SignedInClient, method: 'GET' | 'POST', url: string, payload?: object) {
  return test.app.inject({
    method,
    url,
    headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    ...(payload == null ? {} : { payload }),
  });
}

async function ownerConnection() {
  const [row] = await test.db.select().from(connections).where(eq(connections.userId, owner.userId));
  return row;
}

async function expectOwnerUnchangedAndWorking(before: Awaited<ReturnType<typeof ownerConnection>>) {
  expect(await ownerConnection()).toEqual(before);
  const chat = await test.app.inject({
    method: 'POST',
    url: '/api/ai/chat',
    headers: { authorization: `Bearer ${owner.apiKey}` },
    payload: { messages: [{ role: 'user', content: 'still mine?' }] },
  });
  expect(chat.statusCode, chat.body).toBe(200);
  expect(chat.json()).toMatchObject({ provider: 'chatgpt' });
  const theirs = (await api(other, 'GET', '/api/connections')).json().connections;
  expect(theirs).toEqual([]);
  // The tokens the refused sign-in produced are revoked (their family only); the owner's stay valid.
  const [seeded, refusedSignIn] = fakeAuth.issuedTokens;
  expect(refusedSignIn).toMatchObject({ chatgptAccountId: seeded?.chatgptAccountId });
  await waitFor(() => (fakeAuth.issuedTokens[1]?.refreshTokenStatus === 'invalidated' ? true : null), 5_000);
  expect(fakeAuth.issuedTokens[0]?.refreshTokenStatus).toBe('active');
}

describe('issue 14: one ChatGPT account, one gateway user', () => {
  it('refuses a pasted sign-in of an account another user holds, and changes nothing of theirs', async () => {
    const before = await ownerConnection();
    const flow = (await api(other, 'POST', '/api/connections/chatgpt/sign-in', { method: 'paste' })).json();
    const authorized = await fetch(flow.authorizeUrl, { redirect: 'manual' });
    const callback = authorized.headers.get('location') ?? '';

    const refused = await api(other, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
      input: callback,
    });

    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toEqual({
      code: 'account_in_use',
      message: expect.stringMatching(/already connected to another user of this gateway/),
    });
    const status = (await api(other, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json();
    expect(status).toMatchObject({ status: 'failed', failureReason: expect.stringMatching(/another user/) });
    await expectOwnerUnchangedAndWorking(before);
  });

  it('ends a device sign-in of that account as failed with the reason the settings page shows', async () => {
    const before = await ownerConnection();
    const flow = (await api(other, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' })).json();
    fakeAuth.approveDevice({ userCode: flow.userCode, account: 'alice@example.com' });

    const finished = await waitFor(async () => {
      const status = (await api(other, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json();
      return status.status === 'pending' || status.status === 'exchanging' ? null : status;
    }, 10_000);

    expect(finished).toMatchObject({
      status: 'failed',
      failureReason: expect.stringMatching(/already connected to another user of this gateway/),
    });
    await expectOwnerUnchangedAndWorking(before);
  });

  it('still lets the other user connect an account of their own', async () => {
    const flow = (await api(other, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' })).json();
    fakeAuth.approveDevice({ userCode: flow.userCode, account: 'bob@example.com' });
    const finished = await waitFor(async () => {
      const status = (await api(other, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json();
      return status.status === 'pending' || status.status === 'exchanging' ? null : status;
    }, 10_000);
    expect(finished.status).toBe('completed');
    const [connection] = (await api(other, 'GET', '/api/connections')).json().connections;
    expect(connection).toMatchObject({ email: 'bob@example.com' });
  });
});
