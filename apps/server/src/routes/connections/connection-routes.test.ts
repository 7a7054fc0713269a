import { type FakeOpenAiAuth, OPENAI_ISSUER, startFakeOpenAiAuth } from '@pag/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, connections } from '../../db/schema.ts';
import { GATEWAY_ORIGINATOR, GATEWAY_USER_AGENT } from '../../domain/gateway-identity.ts';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../../test/build-test-app.ts';
import { readDatabaseText } from '../../test/read-database-bytes.ts';
import { waitFor } from '../../test/run-process.ts';

// Each sign-in method end to end over real HTTP against the strict fake auth.openai.com, and the refusals. Like the
// real server reached at any URL but its own, the fake signs `iss = https://auth.openai.com` while the gateway
// reaches it at 127.0.0.1 (GATEWAY_OPENAI_AUTH_URL).
let fake: FakeOpenAiAuth;
let test: TestApp;
let owner: SignedInClient;

beforeAll(async () => {
  fake = await startFakeOpenAiAuth({ autoApprove: true, deviceInterval: '1', issuer: OPENAI_ISSUER });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  fake.reset();
  fake.setModes({ autoApprove: true });
  test = await buildTestApp({ GATEWAY_OPENAI_AUTH_URL: fake.url });
  owner = await signInNewUser(test);
});
afterEach(async () => {
  await test.close();
});

function api(client: SignedInClient, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) {
  return test.app.inject({
    method,
    url,
    headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    ...(payload == null ? {} : { payload }),
  });
}

async function startFlow(client: SignedInClient, method: 'browser' | 'paste' | 'device') {
  const response = await api(client, 'POST', '/api/connections/chatgpt/sign-in', { method });
  expect(response.statusCode, response.body).toBe(201);
  return response.json() as {
    id: string;
    authorizeUrl: string | null;
    userCode: string | null;
    redirectUri: string | null;
  };
}

/** Follows the authorize URL at the fake (auto-approve) and returns where the browser would be sent. */
async function authorizeAtFake(authorizeUrl: string): Promise<string> {
  const response = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return response.headers.get('location') ?? '';
}

async function listConnections(client = owner) {
  return (await api(client, 'GET', '/api/connections')).json().connections as {
    email: string;
    planType: string;
    state: string;
    method: string;
    accountIdMasked: string;
  }[];
}

async function expectNoTokensStored() {
  expect(await test.db.select({ id: connections.id }).from(connections)).toEqual([]);
}

async function expectNoPlaintextTokens() {
  const database = await readDatabaseText(test.db, test.config.databaseFile);
  expect(fake.issuedTokens.length).toBeGreaterThan(0);
  for (const issued of fake.issuedTokens) {
    for (const token of [issued.accessToken, issued.refreshToken, issued.idToken]) {
      expect(database.includes(token)).toBe(false);
      // JWT payloads are base64url: a leaked token would show its middle part even if split.
      const middle = token.split('.')[1] ?? token;
      expect(database.includes(middle.slice(0, 40))).toBe(false);
    }
  }
}

/** Every call the gateway made to the fake (the test's own authorize GETs excluded) named it as the gateway. */
function expectGatewayIdentityOnEveryCall(paths: string[]) {
  const calls = fake.requests.filter((request) => request.method === 'POST');
  expect(calls.map((request) => request.path)).toEqual(paths);
  for (const call of calls) {
    expect(call.headers).toMatchObject({ originator: GATEWAY_ORIGINATOR, 'user-agent': GATEWAY_USER_AGENT });
  }
}

/** The `iss` of the id_token the fake issued last. */
function lastIssuer(): unknown {
  const idToken = fake.issuedTokens.at(-1)?.idToken ?? '';
  return JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()).iss;
}

describe('issue 14: a real ChatGPT account signs in on day one (auth.openai.com reached at another URL)', () => {
  it('issue 14: should connect with browser sign-in although the tokens name https://auth.openai.com', async () => {
    const flow = await startFlow(owner, 'browser');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    const landing = await fetch(callback, { redirect: 'manual' });

    expect(landing.headers.get('location')).toBe('/success');
    expect(test.config.openaiAuthUrl).toBe(fake.url);
    expect(lastIssuer()).toBe('https://auth.openai.com');
    expect(await listConnections()).toMatchObject([
      { email: 'user@example.com', state: 'connected', method: 'browser' },
    ]);
    expectGatewayIdentityOnEveryCall(['/oauth/token']);
  });

  it('issue 14: should connect with paste sign-in although the tokens name https://auth.openai.com', async () => {
    const flow = await startFlow(owner, 'paste');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    const response = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
      input: callback,
    });
    const disconnected = await api(owner, 'DELETE', '/api/connections/chatgpt');

    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ email: 'user@example.com', state: 'connected', method: 'paste' });
    expect(lastIssuer()).toBe('https://auth.openai.com');
    expect(disconnected.statusCode).toBe(204);
    expectGatewayIdentityOnEveryCall(['/oauth/token', '/oauth/revoke']);
  });

  it('issue 14: should connect with device sign-in although the tokens name https://auth.openai.com', async () => {
    const flow = await startFlow(owner, 'device');
    fake.approveDevice({ userCode: flow.userCode ?? '' });
    const finished = await waitFor(async () => {
      const status = (await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json();
      return status.status === 'pending' || status.status === 'exchanging' ? null : status;
    }, 10_000);

    expect(finished).toMatchObject({ status: 'completed' });
    expect(lastIssuer()).toBe('https://auth.openai.com');
    expect(await listConnections()).toMatchObject([
      { email: 'user@example.com', state: 'connected', method: 'device' },
    ]);
    const paths = fake.requests.map((request) => request.path);
    expectGatewayIdentityOnEveryCall([
      '/api/accounts/deviceauth/usercode',
      ...paths.filter((path) => path === '/api/accounts/deviceauth/token'),
      '/oauth/token',
    ]);
  });
});

describe('ChatGPT sign-in: browser + loopback callback', () => {
  it('should connect through the one-shot loopback listener and show email and plan', async () => {
    const flow = await startFlow(owner, 'browser');
    expect(flow.redirectUri).toBe('http://127.0.0.1:1455/auth/callback');
    const authorizeUrl = new URL(flow.authorizeUrl ?? '');
    expect(Object.fromEntries(authorizeUrl.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
      redirect_uri: 'http://127.0.0.1:1455/auth/callback',
      code_challenge_method: 'S256',
      scope: 'openid profile email offline_access api.connectors.read api.connectors.invoke',
      id_token_add_organizations: 'true',
      codex_cli_simplified_flow: 'true',
    });
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    const landing = await fetch(callback, { redirect: 'manual' });
    expect(landing.status).toBe(302);
    expect(landing.headers.get('location')).toBe('/success');
    const success = await fetch(new URL('/success', callback));
    expect(await success.text()).toContain('ChatGPT connected');

    const [connection] = await listConnections();
    expect(connection).toMatchObject({
      email: 'user@example.com',
      planType: 'plus',
      state: 'connected',
      method: 'browser',
    });
    expect(connection?.accountIdMasked).toMatch(/^••••[0-9a-f]{4}$/);
    const status = (await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json();
    expect(status.status).toBe('completed');
    await expectNoPlaintextTokens();
  });

  it('should refuse a replayed callback and one with a forged state', async () => {
    const flow = await startFlow(owner, 'browser');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    expect((await fetch(callback, { redirect: 'manual' })).status).toBe(302);
    const replay = await fetch(callback, { redirect: 'manual' });
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('already completed');
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-value');
    const forgedAnswer = await fetch(forged, { redirect: 'manual' });
    expect(forgedAnswer.status).toBe(400);
    expect(await forgedAnswer.text()).toContain('state mismatch');
  });

  it('should fall back to port 1457 when 1455 is busy, and say so clearly when both are', async () => {
    const { createServer } = await import('node:net');
    const busy1455 = createServer();
    await new Promise<void>((resolve) => busy1455.listen(1455, '127.0.0.1', resolve));
    try {
      const flow = await startFlow(owner, 'browser');
      expect(flow.redirectUri).toBe('http://127.0.0.1:1457/auth/callback');
      const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
      expect(new URL(callback).port).toBe('1457');
      expect((await fetch(callback, { redirect: 'manual' })).status).toBe(302);
      expect(await listConnections()).toHaveLength(1);
      await test.app.close();
      test = await buildTestApp({ GATEWAY_OPENAI_AUTH_URL: fake.url });
      owner = await signInNewUser(test);
      const busy1457 = createServer();
      await new Promise<void>((resolve) => busy1457.listen(1457, '127.0.0.1', resolve));
      try {
        const refused = await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'browser' });
        expect(refused.statusCode).toBe(409);
        expect(refused.json().error).toMatchObject({ code: 'loopback_port_busy' });
        expect(refused.json().error.message).toMatch(/use device code or paste sign-in instead/);
      } finally {
        busy1457.close();
      }
    } finally {
      busy1455.close();
    }
  });

  it('should report a workspace without Codex from the redirect', async () => {
    fake.setModes({ isCodexEntitlementMissing: true });
    const flow = await startFlow(owner, 'browser');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    const answer = await fetch(callback, { redirect: 'manual' });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain('Codex is not enabled for this ChatGPT workspace');
    const status = (await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json();
    expect(status).toMatchObject({ status: 'failed' });
    await expectNoTokensStored();
  });
});

describe('ChatGPT sign-in: paste the redirect URL', () => {
  it('should connect with the whole address-bar URL', async () => {
    const flow = await startFlow(owner, 'paste');
    expect(flow.redirectUri).toBeNull();
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    const response = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
      input: callback,
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ email: 'user@example.com', planType: 'plus', method: 'paste' });
    await expectNoPlaintextTokens();
  });

  it.each([
    ['the query string', (url: URL) => url.search],
    ['code#state', (url: URL) => `${url.searchParams.get('code')}#${url.searchParams.get('state')}`],
    ['the bare code', (url: URL) => url.searchParams.get('code') ?? ''],
  ])('should connect with %s', async (_label, toInput) => {
    const flow = await startFlow(owner, 'paste');
    const callback = new URL(await authorizeAtFake(flow.authorizeUrl ?? ''));
    const response = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
      input: toInput(callback),
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  const malformedInputs = [
    '',
    '   ',
    'hello world',
    'http://',
    'http://127.0.0.1:1455/auth/callback',
    'http://127.0.0.1:1455/auth/callback?state=abc',
    'https://auth.openai.com/oauth/authorize?response_type=code',
    '?state=only',
    'code=',
    'code=has space',
    'abc',
    '<script>alert(1)</script>',
    'javascript:alert(1)',
    '{"code":"ac_123456789"}',
    'ac_ünïcödé_code',
    'ac_validcode123#bad state!',
    'error=access_denied&error_description=denied',
    'x'.repeat(9000),
    42,
    null,
    ['http://127.0.0.1:1455/auth/callback?code=ac_abcdefgh'],
  ];

  it.each(malformedInputs.map((input) => [input]))(
    'should refuse malformed input %j with a 4xx and keep the flow',
    async (input) => {
      const flow = await startFlow(owner, 'paste');
      const response = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
        input,
      } as object);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      expect(response.statusCode).toBeLessThan(500);
      expect(response.json().error.message.length).toBeGreaterThan(10);
      await expectNoTokensStored();
      expect(fake.findRequests({ method: 'POST', path: '/oauth/token' })).toHaveLength(0);
      const status = (await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json();
      expect(status.status).toBe('pending');
    },
  );

  it('should refuse a forged state, leaving the flow usable', async () => {
    const flow = await startFlow(owner, 'paste');
    const callback = new URL(await authorizeAtFake(flow.authorizeUrl ?? ''));
    callback.searchParams.set('state', 'Zm9yZ2VkLXN0YXRlLXZhbHVlLWZyb20tYW4tYXR0YWNrZXI');
    const forged = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
      input: callback.toString(),
    });
    expect(forged.statusCode).toBe(400);
    expect(forged.json().error.message).toMatch(/state does not match/);
    await expectNoTokensStored();
  });

  it("should refuse another sign-in's address (cross-flow state) and another user's flow id", async () => {
    const mine = await startFlow(owner, 'paste');
    const intruder = await signInNewUser(test, 'intruder@example.com', '10.0.0.7');
    const theirs = await startFlow(intruder, 'paste');
    const theirCallback = await authorizeAtFake(theirs.authorizeUrl ?? '');

    const crossState = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${mine.id}/complete`, {
      input: theirCallback,
    });
    expect(crossState.statusCode).toBe(400);
    const crossUser = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${theirs.id}/complete`, {
      input: theirCallback,
    });
    expect(crossUser.statusCode).toBe(404);
    const peek = await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${theirs.id}`);
    expect(peek.statusCode).toBe(404);
    const cancelTheirs = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${theirs.id}/cancel`);
    expect(cancelTheirs.statusCode).toBe(404);
    await expectNoTokensStored();
    // The rightful owner can still finish their own.
    const own = await api(intruder, 'POST', `/api/connections/chatgpt/sign-in/${theirs.id}/complete`, {
      input: theirCallback,
    });
    expect(own.statusCode).toBe(200);
  });

  it('should refuse a replayed paste (single use)', async () => {
    const flow = await startFlow(owner, 'paste');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    expect(
      (await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, { input: callback }))
        .statusCode,
    ).toBe(200);
    const replay = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
      input: callback,
    });
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.message).toMatch(/already completed/);
  });

  it('should refuse an expired flow (10 minutes) with 410', async () => {
    const flow = await startFlow(owner, 'paste');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    test.advanceTime(10 * 60_000 + 1);
    const response = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
      input: callback,
    });
    expect(response.statusCode).toBe(410);
    expect(response.json().error.code).toBe('flow_expired');
    await expectNoTokensStored();
  });

  it('should refuse a cancelled flow', async () => {
    const flow = await startFlow(owner, 'paste');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    expect((await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/cancel`)).statusCode).toBe(204);
    const response = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, {
      input: callback,
    });
    expect(response.statusCode).toBe(409);
    await expectNoTokensStored();
  });

  it('should fail (not store) when the code was issued for another verifier', async () => {
    const first = await startFlow(owner, 'paste');
    const second = await startFlow(owner, 'paste');
    const firstCode = new URL(await authorizeAtFake(first.authorizeUrl ?? '')).searchParams.get('code') ?? '';
    const response = await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${second.id}/complete`, {
      input: firstCode,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('sign_in_failed');
    await expectNoTokensStored();
    expect((await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${second.id}`)).json().status).toBe('failed');
  });

  it.each([
    ['a non-uuid flow id', '/api/connections/chatgpt/sign-in/not-a-uuid/complete', 400],
    ['an unknown flow id', '/api/connections/chatgpt/sign-in/4b1f1c0e-7f57-4a8e-9a53-3a0f0b4b5c6d/complete', 404],
  ])('should answer %s with %i', async (_label, url, status) => {
    const response = await api(owner, 'POST', url, { input: 'ac_abcdefghijk' });
    expect(response.statusCode).toBe(status);
  });

  it.each([{}, { method: 'carrier-pigeon' }, { method: null }])('should refuse starting with %j', async (payload) => {
    const response = await api(owner, 'POST', '/api/connections/chatgpt/sign-in', payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/body\.method/);
  });

  it('should need a session and the CSRF token', async () => {
    const anonymous = await test.app.inject({
      method: 'POST',
      url: '/api/connections/chatgpt/sign-in',
      payload: { method: 'paste' },
    });
    expect(anonymous.statusCode).toBe(401);
    const noCsrf = await test.app.inject({
      method: 'POST',
      url: '/api/connections/chatgpt/sign-in',
      headers: { cookie: owner.cookie },
      payload: { method: 'paste' },
    });
    expect(noCsrf.statusCode).toBe(403);
  });
});

describe('ChatGPT sign-in: device code', () => {
  it('should connect once the code is approved, polling in the background at the given interval', async () => {
    const response = await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' });
    expect(response.statusCode).toBe(201);
    const flow = response.json();
    expect(flow).toMatchObject({
      method: 'device',
      status: 'pending',
      verificationUrl: `${fake.url}/codex/device`,
      pollIntervalSeconds: 1,
    });
    expect(flow.userCode).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4,6}$/);
    // Let it poll while pending first, so the spacing of polls is measured.
    await waitFor(
      () => (fake.findRequests({ method: 'POST', path: '/api/accounts/deviceauth/token' }).length >= 2 ? true : null),
      10_000,
    );
    fake.approveDevice({ userCode: flow.userCode });
    const finished = await waitFor(async () => {
      const status = (await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json();
      return status.status === 'pending' || status.status === 'exchanging' ? null : status;
    }, 10_000);
    expect(finished.status).toBe('completed');
    const [connection] = await listConnections();
    expect(connection).toMatchObject({ email: 'user@example.com', planType: 'plus', method: 'device' });
    const polls = fake.findRequests({ method: 'POST', path: '/api/accounts/deviceauth/token' });
    expect(polls.length).toBeGreaterThanOrEqual(3);
    for (let index = 1; index < polls.length; index++) {
      const gap = (polls[index]?.timestamp ?? Number.NaN) - (polls[index - 1]?.timestamp ?? Number.NaN);
      expect(gap).toBeGreaterThanOrEqual(900);
    }
    await expectNoPlaintextTokens();
  });

  it('should end as failed when declined and as expired after 15 minutes, storing nothing', async () => {
    const declined = (await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' })).json();
    fake.denyDevice({ userCode: declined.userCode });
    const failed = await waitFor(async () => {
      const status = (await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${declined.id}`)).json();
      return status.status === 'failed' ? status : null;
    }, 10_000);
    expect(failed.failureReason).toMatch(/declined/);

    const expiring = (await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' })).json();
    test.advanceTime(15 * 60_000 + 1);
    const expired = await waitFor(async () => {
      const status = (await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${expiring.id}`)).json();
      return status.status === 'expired' ? status : null;
    }, 10_000);
    expect(expired.status).toBe('expired');
    await expectNoTokensStored();
  });

  it('issue 16: should stop polling a cancelled flow (the fake’s token endpoint counts the polls)', async () => {
    /** The polls auth.openai.com received for one flow, told apart by the user code in their body. */
    const pollsOf = (userCode: string) =>
      fake
        .findRequests({ method: 'POST', path: '/api/accounts/deviceauth/token' })
        .filter((request) => (request.json as { user_code?: unknown } | undefined)?.user_code === userCode);
    const flow = (await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' })).json();
    // The poller is running: its first poll arrives one interval (1 s) after the start.
    await waitFor(() => (pollsOf(flow.userCode).length >= 1 ? true : null), 10_000);
    expect((await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/cancel`)).statusCode).toBe(204);
    const pollsAtCancel = pollsOf(flow.userCode).length;
    fake.approveDevice({ userCode: flow.userCode });
    // The clock for "long enough": a second flow started now, on the same 1 s interval, polls twice. By its second
    // poll the cancelled flow's timer (due one interval after its last poll, before the cancel) has fired twice over.
    const control = (await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' })).json();
    await waitFor(() => (pollsOf(control.userCode).length >= 2 ? true : null), 10_000);
    expect(pollsOf(flow.userCode)).toHaveLength(pollsAtCancel);
    expect((await api(owner, 'GET', `/api/connections/chatgpt/sign-in/${flow.id}`)).json().status).toBe('cancelled');
    await expectNoTokensStored();
  });

  it('should explain the ChatGPT security setting when device login is not enabled', async () => {
    fake.setModes({ deviceCodeEnabled: false });
    const response = await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toMatch(/Settings → Security/);
  });

  it('should answer 502 with Retry-After when auth.openai.com is down', async () => {
    fake.faults.push({ match: { path: '/api/accounts/deviceauth/usercode' }, fault: { kind: 'status', status: 503 } });
    const response = await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'device' });
    expect(response.statusCode).toBe(502);
    expect(response.json().error.code).toBe('upstream_unavailable');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('disconnect', () => {
  it('should revoke upstream, delete the tokens and audit; a second disconnect is a 404', async () => {
    const flow = await startFlow(owner, 'paste');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, { input: callback });
    const response = await api(owner, 'DELETE', '/api/connections/chatgpt');
    expect(response.statusCode).toBe(204);
    expect(fake.findRequests({ method: 'POST', path: '/oauth/revoke' })).toHaveLength(1);
    expect(await listConnections()).toEqual([]);
    const [audit] = await test.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.action, 'connection.disconnected'));
    expect(audit?.detail).toMatchObject({ isRevokedUpstream: true });
    expect((await api(owner, 'DELETE', '/api/connections/chatgpt')).statusCode).toBe(404);
  });

  it('issue 16: should still disconnect when the revoke fails, and keep the connection after a gateway sign-out', async () => {
    const flow = await startFlow(owner, 'paste');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, { input: callback });
    expect((await api(owner, 'POST', '/api/auth/logout')).statusCode).toBe(204);
    // The sign-out worked: the old session is refused from now on.
    const refused = await api(owner, 'GET', '/api/connections');
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.code).toBe('unauthenticated');
    const again = await signInNewUser(test, 'second@example.com', '10.0.0.3');
    expect(await listConnections(again)).toEqual([]);
    const { signIn } = await import('../../test/build-test-app.ts');
    const back = await signIn(test, { email: 'owner@example.com', userId: owner.userId, remoteAddress: '10.0.0.4' });
    expect(await listConnections(back)).toHaveLength(1);
    fake.faults.push({ match: { path: '/oauth/revoke' }, fault: { kind: 'status', status: 500 } });
    expect((await api(back, 'DELETE', '/api/connections/chatgpt')).statusCode).toBe(204);
    expect(await listConnections(back)).toEqual([]);
  });

  it('should revoke and delete the connection when the user is deleted', async () => {
    const flow = await startFlow(owner, 'paste');
    const callback = await authorizeAtFake(flow.authorizeUrl ?? '');
    await api(owner, 'POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, { input: callback });
    const { deleteUser } = await import('../../domain/accounts/delete-user.ts');
    await deleteUser(test.connections, 'owner@example.com');
    expect(fake.findRequests({ method: 'POST', path: '/oauth/revoke' })).toHaveLength(1);
    await expectNoTokensStored();
  });
});
