import { readGoogleIdTokenClaims } from '@pag/oauth-client';
import { DEFAULT_FAKE_GOOGLE_CLIENT, type FakeGoogleOAuth, startFakeGoogleOAuth } from '@pag/testkit';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog } from '../../db/schema.ts';
import { backdateTokenReceipt } from '../../test/backdate-token-receipt.ts';
import { TEST_PASSWORD, type TestApp } from '../../test/build-test-app.ts';
import { findRefreshRequests } from '../../test/find-refresh-requests.ts';
import { googleOAuthEnvironment, useTestAppWithFake } from '../../test/use-test-app-with-fake.ts';
import { createUser } from '../accounts/create-user.ts';
import { listConnections } from '../connection-list/list-connections.ts';
import { GatewayError } from '../gateway-error.ts';
import { disconnectGoogle } from './disconnect-google.ts';
import { GoogleTokenManager } from './google-token-manager.ts';
import { saveGoogleClient } from './save-google-client.ts';
import { saveGoogleConnection } from './save-google-connection.ts';

// The Google token manager against the strict fake oauth2.googleapis.com, on a real database: the sign-in is
// skipped (the fake mints a signed-in token set), everything after it is real.
let google: FakeGoogleOAuth;
let test: TestApp;
useTestAppWithFake(startFakeGoogleOAuth, googleOAuthEnvironment, (started) => ({ fake: google, test } = started));

/** Google's access tokens live an hour (docs/google-protocol.md §1.4). */
const GOOGLE_ACCESS_TOKEN_LIFETIME_SECONDS = 3599;
const TOKEN_PATH = () => new URL(google.tokenEndpoint).pathname;
const refreshRequests = () => findRefreshRequests(google, TOKEN_PATH());

/** A user with the fake's client saved and a Google account connected whose access token lives `ttlSeconds`. */
async function seedGoogleConnection(options: { ttlSeconds: number; email?: string; account?: string }) {
  const user = await createUser(test.connections, {
    email: options.email ?? 'owner@example.com',
    password: TEST_PASSWORD,
    isAdmin: true,
  });
  await saveGoogleClient(test.connections, {
    userId: user.id,
    clientId: DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
    clientSecret: DEFAULT_FAKE_GOOGLE_CLIENT.clientSecret,
  });
  const row = await connect(user.id, options);
  return { user, row, accessToken: google.issuedTokens.at(-1)?.accessToken ?? '' };
}

async function connect(userId: string, options: { ttlSeconds: number; account?: string }) {
  const minted = await google.mintTokens({
    accessTokenTtlSeconds: options.ttlSeconds,
    ...(options.account == null ? {} : { account: options.account }),
  });
  const row = await saveGoogleConnection(test.connections, {
    userId,
    tokens: {
      accessToken: minted.accessToken,
      refreshToken: minted.refreshToken ?? '',
      idToken: minted.idToken,
      expiresInSeconds: options.ttlSeconds,
      scopes: minted.scopes,
    },
    claims: readGoogleIdTokenClaims(minted.idToken ?? ''),
  });
  // Held as long as one of Google's hour-long tokens with `ttlSeconds` left would have been.
  await backdateTokenReceipt(
    test.connections,
    row.id,
    Math.max(0, GOOGLE_ACCESS_TOKEN_LIFETIME_SECONDS - options.ttlSeconds),
  );
  return row;
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

describe('GoogleTokenManager', () => {
  it('should hand out the stored token without refreshing while it is far from expiry', async () => {
    const { user, accessToken } = await seedGoogleConnection({ ttlSeconds: 3599 });
    const manager = new GoogleTokenManager(test.connections);
    expect(await manager.getAccessToken(user.id)).toBe(accessToken);
    expect(refreshRequests()).toHaveLength(0);
  });

  it('should refresh exactly once for 100 concurrent callers inside the 5-minute window, and persist it', async () => {
    const { user, accessToken } = await seedGoogleConnection({ ttlSeconds: 3599 });
    test.advanceTime(3599_000 - 4 * 60_000);
    const manager = new GoogleTokenManager(test.connections);
    const results = await Promise.all(Array.from({ length: 100 }, () => manager.getAccessToken(user.id)));
    expect(refreshRequests()).toHaveLength(1);
    const distinct = new Set(results);
    expect(distinct.size).toBe(1);
    const [fresh] = distinct;
    expect(fresh).not.toBe(accessToken);
    expect(google.verifyAccessToken(fresh ?? '')).not.toBeNull();
    // Persisted: another manager (another process) uses it without refreshing again.
    expect(await new GoogleTokenManager(test.connections).getAccessToken(user.id)).toBe(fresh);
    expect(refreshRequests()).toHaveLength(1);
    expect((await listConnections(test.connections, user.id))[0]?.lastRefreshAt).not.toBeNull();
  });

  it('should refresh once for a token Gemini refused, but not for one already replaced', async () => {
    const { user, accessToken } = await seedGoogleConnection({ ttlSeconds: 3599 });
    const manager = new GoogleTokenManager(test.connections);
    const fresh = await manager.getAccessToken(user.id, { rejectedAccessToken: accessToken });
    expect(fresh).not.toBe(accessToken);
    // A slower request that was refused with the old token: the stored one is already new, so no second refresh.
    expect(await manager.getAccessToken(user.id, { rejectedAccessToken: accessToken })).toBe(fresh);
    expect(refreshRequests()).toHaveLength(1);
  });

  it('should mark the connection reconnect_required on invalid_grant, audit it, and never retry it', async () => {
    const { user } = await seedGoogleConnection({ ttlSeconds: 60 });
    google.expireRefreshTokens();
    const manager = new GoogleTokenManager(test.connections);
    const error = await expectGatewayError(manager.getAccessToken(user.id), 'reconnect_required');
    expect(error.message).toMatch(/connect the Google account again/);
    const [connection] = await listConnections(test.connections, user.id);
    expect(connection).toMatchObject({ provider: 'google', state: 'reconnect_required', stateReason: 'invalid_grant' });
    const audit = await test.db.select().from(auditLog).where(eq(auditLog.action, 'connection.reconnect_required'));
    expect(audit.map((entry) => entry.detail)).toEqual([{ provider: 'google', reason: 'invalid_grant', status: 400 }]);
    await expectGatewayError(new GoogleTokenManager(test.connections).getAccessToken(user.id), 'reconnect_required');
    expect(refreshRequests()).toHaveLength(1);
  });

  it('should ask to fix the OAuth client when Google refuses it on refresh', async () => {
    const { user } = await seedGoogleConnection({ ttlSeconds: 60 });
    await saveGoogleClient(test.connections, {
      userId: user.id,
      clientId: DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
      clientSecret: 'GOCSPX-a-secret-that-was-rotated',
    });
    const error = await expectGatewayError(
      new GoogleTokenManager(test.connections).getAccessToken(user.id),
      'reconnect_required',
    );
    expect(error.message).toMatch(/refused the OAuth client/);
    expect((await listConnections(test.connections, user.id))[0]?.stateReason).toBe('invalid_client');
  });

  it('should keep using a still-valid token while Google fails, and say so once it has expired', async () => {
    const { user, accessToken } = await seedGoogleConnection({ ttlSeconds: 3599 });
    test.advanceTime(3599_000 - 2 * 60_000);
    google.faults.push({
      match: { path: TOKEN_PATH() },
      times: Number.POSITIVE_INFINITY,
      fault: { kind: 'status', status: 503, body: 'backend error' },
    });
    const manager = new GoogleTokenManager(test.connections);
    expect(await manager.getAccessToken(user.id)).toBe(accessToken);
    test.advanceTime(3 * 60_000);
    const error = await expectGatewayError(manager.getAccessToken(user.id), 'upstream_unavailable');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
    expect((await listConnections(test.connections, user.id))[0]?.state).toBe('connected');
    google.faults.clear();
    expect(await manager.getAccessToken(user.id)).not.toBe(accessToken);
  });

  it('should not let a refresh that ends after a reconnect overwrite the new account', async () => {
    const { user } = await seedGoogleConnection({ ttlSeconds: 60 });
    google.faults.push({ match: { path: TOKEN_PATH() }, fault: { kind: 'delay', ms: 300 } });
    const manager = new GoogleTokenManager(test.connections);
    const pending = manager.getAccessToken(user.id);
    // Meanwhile the user connects again (here: the same fake account, a new grant).
    await new Promise((resolve) => setTimeout(resolve, 50));
    const replacement = await connect(user.id, { ttlSeconds: 3599 });
    const replacementToken = google.issuedTokens.at(-1)?.accessToken;
    await expectGatewayError(pending, 'not_connected');
    expect(await manager.getAccessToken(user.id)).toBe(replacementToken);
    expect(await listConnections(test.connections, user.id)).toMatchObject([
      { id: replacement.id, lastRefreshAt: null },
    ]);
  });

  it('should not resurrect a connection disconnected during a refresh', async () => {
    const { user } = await seedGoogleConnection({ ttlSeconds: 60 });
    google.faults.push({ match: { path: TOKEN_PATH() }, fault: { kind: 'delay', ms: 300 } });
    const pending = new GoogleTokenManager(test.connections).getAccessToken(user.id);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await disconnectGoogle(test.connections, { userId: user.id })).toBe(true);
    await expectGatewayError(pending, 'not_connected');
    expect(await listConnections(test.connections, user.id)).toEqual([]);
  });
});
