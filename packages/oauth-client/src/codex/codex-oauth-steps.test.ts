import {
  type FakeOpenAiAuth,
  type FakeOpenAiRefreshAnswerQuirk,
  OPENAI_ISSUER,
  type RecordedRequest,
  startFakeOpenAiAuth,
} from '@pag/testkit';
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

// Every Codex OAuth step against the strict fake auth.openai.com over real loopback HTTP. Like the real server
// behind any URL but its own, the fake signs `iss = https://auth.openai.com` while we reach it at 127.0.0.1.
const REDIRECT = 'http://127.0.0.1:1455/auth/callback';
const IDENTITY = { originator: 'oauth_client_test', userAgent: 'oauth_client_test/1.0 (test)' };
let fake: FakeOpenAiAuth;
beforeAll(async () => {
  fake = await startFakeOpenAiAuth({ autoApprove: true, issuer: OPENAI_ISSUER });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
  fake.setModes({ autoApprove: true });
});

/** Where and as whom every call goes. */
function endpoint() {
  return { baseUrl: fake.url, identity: IDENTITY };
}

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
      ...endpoint(),
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
        ...endpoint(),
        code: wrongVerifier.code,
        redirectUri: REDIRECT,
        codeVerifier: (await createPkcePair()).codeVerifier,
      }),
      'invalid_grant',
    );
    const wrongRedirect = await authorize();
    await expectOAuthError(
      exchangeCodexAuthorizationCode({
        ...endpoint(),
        code: wrongRedirect.code,
        redirectUri: 'http://localhost:1455/auth/callback',
        codeVerifier: wrongRedirect.codeVerifier,
      }),
      'invalid_grant',
    );
    const once = await authorize();
    await exchangeCodexAuthorizationCode({
      ...endpoint(),
      code: once.code,
      redirectUri: REDIRECT,
      codeVerifier: once.codeVerifier,
    });
    await expectOAuthError(
      exchangeCodexAuthorizationCode({
        ...endpoint(),
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
    const first = await refreshCodexTokens({ ...endpoint(), refreshToken: minted.refreshToken, previousIdToken });
    expect(first.refreshToken).not.toBe(minted.refreshToken);
    const reused = await expectOAuthError(
      refreshCodexTokens({ ...endpoint(), refreshToken: minted.refreshToken, previousIdToken }),
      'refresh_token_reused',
    );
    expect(reused.isPermanent).toBe(true);
    expect(reused.status).toBe(401);

    fake.expireRefreshTokens();
    await expectOAuthError(
      refreshCodexTokens({ ...endpoint(), refreshToken: first.refreshToken, previousIdToken }),
      'refresh_token_expired',
    );
    const fresh = await fake.mintTokens();
    fake.invalidateRefreshTokens();
    await expectOAuthError(
      refreshCodexTokens({ ...endpoint(), refreshToken: fresh.refreshToken, previousIdToken }),
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
      refreshCodexTokens({ ...endpoint(), refreshToken: minted.refreshToken, previousIdToken: minted.idToken }),
      'transient',
    );
    expect(unavailable.isPermanent).toBe(false);
    expect(unavailable.retryAfterSeconds).toBe(7);
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'malformed-json' } });
    await expectOAuthError(
      refreshCodexTokens({ ...endpoint(), refreshToken: minted.refreshToken, previousIdToken: minted.idToken }),
      'protocol',
    );
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'drop-connection' } });
    await expectOAuthError(
      refreshCodexTokens({ ...endpoint(), refreshToken: minted.refreshToken, previousIdToken: minted.idToken }),
      'transient',
    );
  });

  it('should run the device flow: pending, approved, then exchange with the device redirect', async () => {
    const device = await requestCodexDeviceCode(endpoint());
    expect(device.verificationUrl).toBe(`${fake.url}/codex/device`);
    expect(device.intervalSeconds).toBe(5);
    expect(await pollCodexDeviceToken({ ...endpoint(), ...device })).toEqual({ status: 'pending' });
    fake.approveDevice({ userCode: device.userCode });
    const approved = await pollCodexDeviceToken({ ...endpoint(), ...device });
    if (approved.status !== 'approved') throw new Error(`expected approval, got ${approved.status}`);
    const tokens = await exchangeCodexAuthorizationCode({
      ...endpoint(),
      code: approved.authorizationCode,
      codeVerifier: approved.codeVerifier,
      redirectUri: codexDeviceRedirectUri(fake.url),
    });
    expect(readCodexTokenClaims(tokens).email).toBe('user@example.com');
  });

  it('should report a declined device code and a server without device login', async () => {
    const device = await requestCodexDeviceCode(endpoint());
    fake.denyDevice({ userCode: device.userCode });
    expect((await pollCodexDeviceToken({ ...endpoint(), ...device })).status).toBe('denied');
    fake.setModes({ deviceCodeEnabled: false });
    await expectOAuthError(requestCodexDeviceCode(endpoint()), 'device_code_disabled');
  });

  it('should revoke with a JSON body, after which the refresh token is dead', async () => {
    const minted = await fake.mintTokens();
    await revokeCodexToken({ ...endpoint(), refreshToken: minted.refreshToken });
    const [revoke] = fake.findRequests({ method: 'POST', path: '/oauth/revoke' });
    expect(revoke?.json).toEqual({
      token: minted.refreshToken,
      token_type_hint: 'refresh_token',
      client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
    });
    await expectOAuthError(
      refreshCodexTokens({ ...endpoint(), refreshToken: minted.refreshToken, previousIdToken: minted.idToken }),
      'refresh_token_invalidated',
    );
  });

  it('issue 14: should exchange a browser code whose id_token names https://auth.openai.com, not the URL we reach', async () => {
    const { code, codeVerifier } = await authorize();

    const tokens = await exchangeCodexAuthorizationCode({ ...endpoint(), code, redirectUri: REDIRECT, codeVerifier });

    expect(fake.url).not.toBe(OPENAI_ISSUER);
    expect(JSON.parse(Buffer.from(tokens.idToken.split('.')[1] ?? '', 'base64url').toString()).iss).toBe(
      'https://auth.openai.com',
    );
    expect(readCodexTokenClaims(tokens).accountId).toBe(fake.accounts[0]?.chatgptAccountId);
  });

  it('issue 14: should refresh with JSON as Codex 0.169 does, with the reason it is given', async () => {
    const minted = await fake.mintTokens();

    const first = await refreshCodexTokens({
      ...endpoint(),
      refreshToken: minted.refreshToken,
      previousIdToken: minted.idToken,
    });
    await refreshCodexTokens({
      ...endpoint(),
      refreshToken: first.refreshToken,
      previousIdToken: first.idToken,
      refreshReason: 'unauthorized_recovery',
    });

    const refreshes = fake.findRequests({ method: 'POST', path: '/oauth/token' });
    expect(refreshes.map((request) => request.headers['content-type'])).toEqual([
      'application/json',
      'application/json',
    ]);
    expect(refreshes.map((request) => request.json)).toEqual([
      {
        client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
        grant_type: 'refresh_token',
        refresh_token: minted.refreshToken,
        refresh_reason: 'proactive_expiry',
      },
      {
        client_id: 'app_EMoamEEZ73f0CkXaXp7hrann',
        grant_type: 'refresh_token',
        refresh_token: first.refreshToken,
        refresh_reason: 'unauthorized_recovery',
      },
    ]);
  });

  it.each<[string, FakeOpenAiRefreshAnswerQuirk[]]>([
    ['an id_token for another audience', ['id-token-for-another-audience']],
    ['a lowercase token_type', ['lowercase-token-type']],
    ['no token_type', ['no-token-type']],
    ['no id_token and no expires_in', ['no-id-token', 'no-expires-in']],
  ])('issue 14: should accept a refresh answer with %s, as the official client does', async (_case, quirks) => {
    const minted = await fake.mintTokens();
    fake.quirkNextRefreshAnswer(quirks);
    const rotated: string[] = [];

    const tokens = await refreshCodexTokens({
      ...endpoint(),
      refreshToken: minted.refreshToken,
      previousIdToken: minted.idToken,
      onRefreshTokenRotated: (refreshToken) => {
        rotated.push(refreshToken);
      },
    });

    const issued = fake.issuedTokens.at(-1);
    expect(tokens.accessToken).toBe(issued?.accessToken);
    expect(tokens.refreshToken).toBe(issued?.refreshToken);
    expect(rotated).toEqual([issued?.refreshToken]);
    expect(tokens.idToken).toBe(quirks.includes('no-id-token') ? minted.idToken : issued?.idToken);
    expect(tokens.expiresInSeconds).toBe(quirks.includes('no-expires-in') ? undefined : 864000);
    expect(readCodexTokenClaims(tokens).email).toBe('user@example.com');
  });

  it('issue 14: should hand over the rotated refresh token before refusing an answer without access_token', async () => {
    const minted = await fake.mintTokens();
    fake.quirkNextRefreshAnswer(['no-access-token']);
    const rotated: string[] = [];

    await expectOAuthError(
      refreshCodexTokens({
        ...endpoint(),
        refreshToken: minted.refreshToken,
        previousIdToken: minted.idToken,
        onRefreshTokenRotated: (refreshToken) => {
          rotated.push(refreshToken);
        },
      }),
      'protocol',
    );

    expect(rotated).toEqual([fake.issuedTokens.at(-1)?.refreshToken]);
    // The handed-over token is the one that works now; the old one is dead.
    const next = await refreshCodexTokens({
      ...endpoint(),
      refreshToken: rotated[0] ?? '',
      previousIdToken: minted.idToken,
    });
    expect(next.accessToken).toBe(fake.issuedTokens.at(-1)?.accessToken);
  });

  it('issue 14: should fail the refresh when storing the rotated token fails, and not call back for an unrotated one', async () => {
    const minted = await fake.mintTokens();
    const storing = refreshCodexTokens({
      ...endpoint(),
      refreshToken: minted.refreshToken,
      previousIdToken: minted.idToken,
      onRefreshTokenRotated: () => {
        throw new Error('disk full');
      },
    });
    await expect(storing).rejects.toThrow('disk full');

    const fresh = await fake.mintTokens();
    const { idToken, accessToken } = fake.issuedTokens.at(-1) ?? { idToken: '', accessToken: '' };
    fake.faults.push({
      match: { path: '/oauth/token' },
      fault: { kind: 'status', status: 200, body: { access_token: accessToken, refresh_token: fresh.refreshToken } },
    });
    const calls: string[] = [];
    const same = await refreshCodexTokens({
      ...endpoint(),
      refreshToken: fresh.refreshToken,
      previousIdToken: idToken,
      onRefreshTokenRotated: (refreshToken) => {
        calls.push(refreshToken);
      },
    });
    expect(same).toMatchObject({ accessToken, refreshToken: fresh.refreshToken, idToken });
    expect(calls).toEqual([]);
  });

  it.each<[string, unknown, RegExp]>([
    ['no refresh_token', { id_token: 'a.b.c', access_token: 'a.b.c', token_type: 'Bearer' }, /without refresh_token/],
    ['no id_token', { access_token: 'a.b.c', refresh_token: 'rt_x' }, /without id_token$/],
    ['a JSON array', ['id_token'], /not a JSON object/],
    ['text', 'OK', /not JSON/],
  ])('should refuse a code-exchange answer with %s as a protocol error', async (_case, body, message) => {
    const { code, codeVerifier } = await authorize();
    fake.faults.push({ match: { path: '/oauth/token' }, fault: { kind: 'status', status: 200, body } });

    const error = await expectOAuthError(
      exchangeCodexAuthorizationCode({ ...endpoint(), code, redirectUri: REDIRECT, codeVerifier }),
      'protocol',
    );

    expect(error.message).toMatch(message);
  });

  it('issue 14: should name itself with one originator and user agent on every call to auth.openai.com', async () => {
    const { code, codeVerifier } = await authorize();
    const tokens = await exchangeCodexAuthorizationCode({ ...endpoint(), code, redirectUri: REDIRECT, codeVerifier });
    const refreshed = await refreshCodexTokens({
      ...endpoint(),
      refreshToken: tokens.refreshToken,
      previousIdToken: tokens.idToken,
    });
    await revokeCodexToken({ ...endpoint(), refreshToken: refreshed.refreshToken });
    const device = await requestCodexDeviceCode(endpoint());
    await pollCodexDeviceToken({ ...endpoint(), ...device });

    const calls = fake.requests.filter((request: RecordedRequest) => request.method === 'POST');
    expect(calls.map((request) => request.path)).toEqual([
      '/oauth/token',
      '/oauth/token',
      '/oauth/revoke',
      '/api/accounts/deviceauth/usercode',
      '/api/accounts/deviceauth/token',
    ]);
    for (const request of calls) {
      expect(request.headers).toMatchObject({
        originator: 'oauth_client_test',
        'user-agent': 'oauth_client_test/1.0 (test)',
      });
    }
  });
});
