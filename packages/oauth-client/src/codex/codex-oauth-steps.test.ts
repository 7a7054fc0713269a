import { type FakeOpenAiAuth, startFakeOpenAiAuth } from '@pag/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPkcePair, generateState } from '../create-pkce-pair.ts';
import { buildCodexAuthorizationUrl } from './build-codex-authorization-url.ts';
import { CodexOAuthError } from './codex-oauth-error.ts';
import { exchangeCodexAuthorizationCode } from './exchange-codex-authorization-code.ts';
import { codexDeviceRedirectUri, pollCodexDeviceToken } from './poll-codex-device-token.ts';
import { readCodexTokenClaims } from './read-codex-token-claims.ts';
import { refreshCodexTokens } from './refresh-codex-tokens.ts';
import { requestCodexDeviceCode } from './request-codex-device-code.ts';
import { revokeCodexToken } from './revoke-codex-token.ts';

// Every Codex OAuth step against the strict fake auth.openai.com over real loopback HTTP.
const REDIRECT = 'http://127.0.0.1:1455/auth/callback';
let fake: FakeOpenAiAuth;
beforeAll(async () => {
  fake = await startFakeOpenAiAuth({ autoApprove: true });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.setModes({ autoApprove: true });
});

async function authorize(redirectUri = REDIRECT) {
  const { codeVerifier, codeChallenge } = await createPkcePair();
  const state = generateState();
  const url = buildCodexAuthorizationUrl({ baseUrl: fake.url, redirectUri, state, codeChallenge });
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const location = new URL(response.headers.get('location') ?? '');
  expect(location.searchParams.get('state')).toBe(state);
  return { code: location.searchParams.get('code') ?? '', codeVerifier };
}

async function expectOAuthError(promise: Promise<unknown>, kind: string) {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(CodexOAuthError);
  expect((error as CodexOAuthError).kind).toBe(kind);
  return error as CodexOAuthError;
}

describe('Codex OAuth steps against the fake auth.openai.com', () => {
  it('should run the authorize URL the fake accepts, exchange the code and read the claims', async () => {
    const { code, codeVerifier } = await authorize();
    const tokens = await exchangeCodexAuthorizationCode({
      baseUrl: fake.url,
      code,
      redirectUri: REDIRECT,
      codeVerifier,
    });
    const claims = readCodexTokenClaims(tokens);
    expect(claims).toMatchObject({
      email: 'user@example.com',
      planType: 'plus',
      accountId: fake.accounts[0]?.chatgptAccountId,
    });
    expect(claims.accessTokenExpiresAt?.getTime()).toBeGreaterThan(Date.now() + 9 * 86_400_000);
    const [exchange] = fake.findRequests({ method: 'POST', path: '/oauth/token' });
    expect(exchange?.form).toMatchObject({ grant_type: 'authorization_code' });
    expect(exchange?.form).toMatchObject({ client_id: 'app_EMoamEEZ73f0CkXaXp7hrann' });
  });

  it('should refuse a wrong verifier, a different redirect_uri and a reused code as invalid_grant', async () => {
    const wrongVerifier = await authorize();
    await expectOAuthError(
      exchangeCodexAuthorizationCode({
        baseUrl: fake.url,
        code: wrongVerifier.code,
        redirectUri: REDIRECT,
        codeVerifier: (await createPkcePair()).codeVerifier,
      }),
      'invalid_grant',
    );
    const wrongRedirect = await authorize();
    await expectOAuthError(
      exchangeCodexAuthorizationCode({
        baseUrl: fake.url,
        code: wrongRedirect.code,
        redirectUri: 'http://localhost:1455/auth/callback',
        codeVerifier: wrongRedirect.codeVerifier,
      }),
      'invalid_grant',
    );
    const once = await authorize();
    await exchangeCodexAuthorizationCode({
      baseUrl: fake.url,
      code: once.code,
      redirectUri: REDIRECT,
      codeVerifier: once.codeVerifier,
    });
    await expectOAuthError(
      exchangeCodexAuthorizationCode({
        baseUrl: fake.url,
        code: once.code,
        redirectUri: REDIRECT,
        codeVerifier: once.codeVerifier,
      }),
      'invalid_grant',
    );
  });

  it('should rotate on refresh and classify reuse, expiry and invalidation as permanent', async () => {
    const minted = await fake.mintTokens();
    const previousIdToken = minted.idToken;
    const first = await refreshCodexTokens({ baseUrl: fake.url, refreshToken: minted.refreshToken, previousIdToken });
    expect(first.refreshToken).not.toBe(minted.refreshToken);
    const reused = await expectOAuthError(
      refreshCodexTokens({ baseUrl: fake.url, refreshToken: minted.refreshToken, previousIdToken }),
      'refresh_token_reused',
    );
    expect(reused.isPermanent).toBe(true);
    expect(reused.status).toBe(401);

    fake.expireRefreshTokens();
    await expectOAuthError(
      refreshCodexTokens({ baseUrl: fake.url, refreshToken: first.refreshToken, previousIdToken }),
      'refresh_token_expired',
    );
    const fresh = await fake.mintTokens();
    fake.invalidateRefreshTokens();
    await expectOAuthError(
      refreshCodexTokens({ baseUrl: fake.url, refreshToken: fresh.refreshToken, previousIdToken }),
      'refresh_token_invalidated',
    );
  });

  it('should treat 5xx and malformed answers from the token endpoint as transient or protocol errors', async () => {
    const minted = await fake.mintTokens();
    fake.faults.push({
      match: { path: '/oauth/token' },
      fault: { kind: 'status', status: 503, headers: { 'retry-after': '7' } },
    });
    const unavailable = await expectOAuthError(
      refreshCodexTokens({ baseUrl: fake.url, refreshToken: minted.refreshToken, previousIdToken: minted.idToken }),
      'transient',
    );
    expect(unavailable.isPermanent).toBe(false);
    expect(unavailable.retryAfterSeconds).toBe(7);
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'malformed-json' } });
    await expectOAuthError(
      refreshCodexTokens({ baseUrl: fake.url, refreshToken: minted.refreshToken, previousIdToken: minted.idToken }),
      'protocol',
    );
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'drop-connection' } });
    await expectOAuthError(
      refreshCodexTokens({ baseUrl: fake.url, refreshToken: minted.refreshToken, previousIdToken: minted.idToken }),
      'transient',
    );
  });

  it('should run the device flow: pending, approved, then exchange with the device redirect', async () => {
    const device = await requestCodexDeviceCode({ baseUrl: fake.url });
    expect(device.verificationUrl).toBe(`${fake.url}/codex/device`);
    expect(device.intervalSeconds).toBe(5);
    expect(await pollCodexDeviceToken({ baseUrl: fake.url, ...device })).toEqual({ status: 'pending' });
    fake.approveDevice({ userCode: device.userCode });
    const approved = await pollCodexDeviceToken({ baseUrl: fake.url, ...device });
    if (approved.status !== 'approved') throw new Error(`expected approval, got ${approved.status}`);
    const tokens = await exchangeCodexAuthorizationCode({
      baseUrl: fake.url,
      code: approved.authorizationCode,
      codeVerifier: approved.codeVerifier,
      redirectUri: codexDeviceRedirectUri(fake.url),
    });
    expect(readCodexTokenClaims(tokens).email).toBe('user@example.com');
  });

  it('should report a declined device code and a server without device login', async () => {
    const device = await requestCodexDeviceCode({ baseUrl: fake.url });
    fake.denyDevice({ userCode: device.userCode });
    expect((await pollCodexDeviceToken({ baseUrl: fake.url, ...device })).status).toBe('denied');
    fake.setModes({ deviceCodeEnabled: false });
    await expectOAuthError(requestCodexDeviceCode({ baseUrl: fake.url }), 'device_code_disabled');
  });

  it('should revoke with a JSON body, after which the refresh token is dead', async () => {
    const minted = await fake.mintTokens();
    await revokeCodexToken({ baseUrl: fake.url, refreshToken: minted.refreshToken });
    const [revoke] = fake.findRequests({ method: 'POST', path: '/oauth/revoke' });
    expect(revoke?.json).toEqual({
      token: minted.refreshToken,
      token_type_hint: 'refresh_token',
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
    });
    await expectOAuthError(
      refreshCodexTokens({ baseUrl: fake.url, refreshToken: minted.refreshToken, previousIdToken: minted.idToken }),
      'refresh_token_invalidated',
    );
  });
});
