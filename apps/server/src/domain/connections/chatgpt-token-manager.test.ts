import { type FakeOpenAiAuth, OPENAI_ISSUER, startFakeOpenAiAuth } from '@pag/testkit';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connections } from '../../db/schema.ts';
import type { TestApp } from '../../test/build-test-app.ts';
import { findRefreshRequests } from '../../test/find-refresh-requests.ts';
import { seedChatgptConnection } from '../../test/seed-chatgpt-connection.ts';
import { useTestAppWithFake } from '../../test/use-test-app-with-fake.ts';
import { listConnections } from '../connection-list/list-connections.ts';
import { GatewayError } from '../gateway-error.ts';
import { GATEWAY_ORIGINATOR, GATEWAY_USER_AGENT } from '../gateway-identity.ts';
import { ChatgptTokenManager } from './chatgpt-token-manager.ts';
import { tokenContext } from './save-chatgpt-connection.ts';

let fake: FakeOpenAiAuth;
let test: TestApp;
useTestAppWithFake(
  () => startFakeOpenAiAuth({ issuer: OPENAI_ISSUER }),
  (started) => ({ GATEWAY_OPENAI_AUTH_URL: started.url }),
  (started) => ({ fake, test } = started),
);

// Refreshes go out as JSON, as the newest official client sends them (docs/codex-protocol.md §10).
const refreshRequests = () => findRefreshRequests(fake);

/** The refresh token the connection row holds now, decrypted. */
async function storedRefreshToken(connectionId: string): Promise<string> {
  const [row] = await test.db
    .select({ ciphertext: connections.refreshTokenCiphertext })
    .from(connections)
    .where(eq(connections.id, connectionId));
  return test.vault.decrypt(row?.ciphertext ?? '', { context: tokenContext(connectionId, 'refresh_token') });
}

async function expectGatewayError(promise: Promise<unknown>, code: string): Promise<GatewayError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayError);
  expect((error as GatewayError).code).toBe(code);
  return error as GatewayError;
}

describe('ChatgptTokenManager', () => {
  it('should hand out the stored token without refreshing while it is far from expiry', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 3600,
    });
    const manager = new ChatgptTokenManager(test.connections);
    const token = await manager.getAccessToken(user.id);
    expect(token.accessToken).toBe(tokens.accessToken);
    expect(token.accountId).toBe(fake.accounts[0]?.chatgptAccountId);
    expect(refreshRequests()).toHaveLength(0);
  });

  it('should refresh exactly once for a storm of 200 concurrent callers one minute from expiry', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    const manager = new ChatgptTokenManager(test.connections);
    const results = await Promise.all(Array.from({ length: 200 }, () => manager.getAccessToken(user.id)));
    expect(refreshRequests()).toHaveLength(1);
    const distinct = new Set(results.map((result) => result.accessToken));
    expect(distinct.size).toBe(1);
    const [fresh] = distinct;
    expect(fresh).not.toBe(tokens.accessToken);
    const issued = fake.issuedTokens.at(-1);
    expect(issued?.accessToken).toBe(fresh);
    // The rotated pair was persisted: the next caller gets it without another refresh.
    expect((await new ChatgptTokenManager(test.connections).getAccessToken(user.id)).accessToken).toBe(fresh);
    expect(refreshRequests()).toHaveLength(1);
    const [connection] = await listConnections(test.connections, user.id);
    expect(connection?.lastRefreshAt).not.toBeNull();
  });

  it('should refresh when the token enters the configured window, not before', async () => {
    const { user } = await seedChatgptConnection({ context: test.connections, fake, accessTokenTtlSeconds: 3600 });
    const manager = new ChatgptTokenManager(test.connections);
    test.advanceTime(3600_000 - 6 * 60_000);
    await manager.getAccessToken(user.id);
    expect(refreshRequests()).toHaveLength(0);
    test.advanceTime(2 * 60_000);
    await manager.getAccessToken(user.id);
    expect(refreshRequests()).toHaveLength(1);
  });

  it('should refresh once after an upstream 401, even for concurrent callers, and not again for the new token', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 3600,
    });
    const manager = new ChatgptTokenManager(test.connections);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => manager.getAccessToken(user.id, { rejectedAccessToken: tokens.accessToken })),
    );
    expect(refreshRequests()).toHaveLength(1);
    expect(new Set(results.map((result) => result.accessToken)).size).toBe(1);
    // A late caller reporting the old token gets the already-refreshed one.
    const late = await manager.getAccessToken(user.id, { rejectedAccessToken: tokens.accessToken });
    expect(late.accessToken).toBe(results[0]?.accessToken);
    expect(refreshRequests()).toHaveLength(1);
  });

  it.each([
    [
      'refresh_token_reused',
      async (refreshToken: string, idToken: string) => {
        // Another client used the same refresh token first (the classic cause).
        const response = await fetch(`${fake.url}/oauth/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            grant_type: 'refresh_token',
            refresh_token: refreshToken,
            client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
          }),
        });
        expect(response.status).toBe(200);
        void idToken;
      },
    ],
    [
      'refresh_token_expired',
      async () => {
        fake.expireRefreshTokens();
      },
    ],
    [
      'refresh_token_invalidated',
      async () => {
        fake.invalidateRefreshTokens();
      },
    ],
  ])('should move to reconnect_required on %s and never try again', async (reason, breakIt) => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    await breakIt(tokens.refreshToken, tokens.idToken);
    const before = refreshRequests().length;
    const manager = new ChatgptTokenManager(test.connections);
    const error = await expectGatewayError(manager.getAccessToken(user.id), 'reconnect_required');
    expect(error.message).toMatch(/Sign in again/);
    expect(refreshRequests().length - before).toBe(1);
    await expectGatewayError(manager.getAccessToken(user.id), 'reconnect_required');
    await expectGatewayError(new ChatgptTokenManager(test.connections).getAccessToken(user.id), 'reconnect_required');
    expect(refreshRequests().length - before).toBe(1);
    const [connection] = await listConnections(test.connections, user.id);
    expect(connection).toMatchObject({ state: 'reconnect_required', stateReason: reason });
    expect(connection?.stateMessage).toMatch(/Sign in again/);
  });

  it('should keep the still-valid token through a transient failure and back off before retrying', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 120,
    });
    fake.faults.push({ match: { path: '/oauth/token' }, times: 1, fault: { kind: 'status', status: 503 } });
    const manager = new ChatgptTokenManager(test.connections);
    expect((await manager.getAccessToken(user.id)).accessToken).toBe(tokens.accessToken);
    expect((await manager.getAccessToken(user.id)).accessToken).toBe(tokens.accessToken);
    expect(refreshRequests()).toHaveLength(1);
    test.advanceTime(31_000);
    const recovered = await manager.getAccessToken(user.id);
    expect(recovered.accessToken).not.toBe(tokens.accessToken);
    expect(refreshRequests()).toHaveLength(2);
  });

  it('should answer upstream_unavailable with a retry hint when the token has expired and refresh fails', async () => {
    const { user } = await seedChatgptConnection({ context: test.connections, fake, accessTokenTtlSeconds: 60 });
    test.advanceTime(61_000);
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'drop-connection' } });
    const error = await expectGatewayError(
      new ChatgptTokenManager(test.connections).getAccessToken(user.id),
      'upstream_unavailable',
    );
    expect(error.retryAfterSeconds).toBe(30);
    const [connection] = await listConnections(test.connections, user.id);
    expect(connection?.state).toBe('connected');
  });

  it('should say not_connected for a user without a connection', async () => {
    const { createUser } = await import('../accounts/create-user.ts');
    const user = await createUser(test.connections, {
      email: 'lonely@example.com',
      password: 'a long enough password',
      isAdmin: false,
    });
    await expectGatewayError(new ChatgptTokenManager(test.connections).getAccessToken(user.id), 'not_connected');
  });

  it('issue 14: should keep a rotated refresh token when the rest of the answer is refused, and use it next time', async () => {
    const { user, connection, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 120,
    });
    const manager = new ChatgptTokenManager(test.connections);
    // The server rotates the refresh token but leaves out the access token: we cannot use this answer.
    fake.quirkNextRefreshAnswer(['no-access-token']);

    const during = await manager.getAccessToken(user.id);

    const rotated = fake.issuedTokens.at(-1);
    expect(during.accessToken).toBe(tokens.accessToken);
    expect(await storedRefreshToken(connection.id)).toBe(rotated?.refreshToken);
    expect((await listConnections(test.connections, user.id))[0]?.state).toBe('connected');
    test.advanceTime(31_000);
    const after = await manager.getAccessToken(user.id);

    const refreshes = refreshRequests();
    expect(refreshes.map((request) => (request.json as { refresh_token: string }).refresh_token)).toEqual([
      tokens.refreshToken,
      rotated?.refreshToken,
    ]);
    expect(after.accessToken).toBe(fake.issuedTokens.at(-1)?.accessToken);
    expect(await storedRefreshToken(connection.id)).toBe(fake.issuedTokens.at(-1)?.refreshToken);
    expect(fake.issuedTokens.map((issued) => issued.refreshTokenStatus)).toEqual(['rotated', 'rotated', 'active']);
    expect((await listConnections(test.connections, user.id))[0]).toMatchObject({
      state: 'connected',
      stateReason: null,
    });
  });

  it('issue 14: should take a refresh answer with another aud and a lowercase token_type at once', async () => {
    const { user, connection } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    fake.quirkNextRefreshAnswer(['id-token-for-another-audience', 'lowercase-token-type']);
    const manager = new ChatgptTokenManager(test.connections);

    const token = await manager.getAccessToken(user.id);

    expect(token.accessToken).toBe(fake.issuedTokens.at(-1)?.accessToken);
    expect(await storedRefreshToken(connection.id)).toBe(fake.issuedTokens.at(-1)?.refreshToken);
    expect((await manager.getAccessToken(user.id)).accessToken).toBe(token.accessToken);
    expect(refreshRequests()).toHaveLength(1);
  });

  it('issue 14: should refresh as Codex 0.169 does, telling why, as the gateway', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 60,
    });
    const manager = new ChatgptTokenManager(test.connections);

    const proactive = await manager.getAccessToken(user.id);
    await manager.getAccessToken(user.id, { rejectedAccessToken: proactive.accessToken });

    const refreshes = refreshRequests();
    expect(refreshes.map((request) => request.json)).toEqual([
      {
        client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
        grant_type: 'refresh_token',
        refresh_token: tokens.refreshToken,
        refresh_reason: 'proactive_expiry',
      },
      {
        client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
        grant_type: 'refresh_token',
        refresh_token: fake.issuedTokens[1]?.refreshToken,
        refresh_reason: 'unauthorized_recovery',
      },
    ]);
    for (const request of refreshes) {
      expect(request.headers).toMatchObject({ originator: GATEWAY_ORIGINATOR, 'user-agent': GATEWAY_USER_AGENT });
    }
  });
});
