import { type FakeGoogleOAuth, startFakeGoogleOAuth } from '@pag/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPkcePair, generateState } from '../create-pkce-pair.ts';
import { buildGoogleAuthorizationUrl } from './build-google-authorization-url.ts';
import { exchangeGoogleAuthorizationCode } from './exchange-google-authorization-code.ts';
import { GOOGLE_DEFAULT_SCOPES, GOOGLE_GENERATIVE_LANGUAGE_SCOPE } from './google-oauth-constants.ts';
import { GoogleOAuthError } from './google-oauth-error.ts';
import { parseGoogleCallback } from './parse-google-callback.ts';
import { readGoogleIdTokenClaims } from './read-google-id-token-claims.ts';
import { refreshGoogleTokens } from './refresh-google-tokens.ts';
import { revokeGoogleToken } from './revoke-google-token.ts';

// Every Google OAuth step against the strict fake Google over real loopback HTTP.
const CLIENT_ID = '123456789012-gateway.apps.googleusercontent.com';
const CLIENT_SECRET = 'GOCSPX-gateway-test-secret';
const REDIRECT_URI = 'http://127.0.0.1:3000/api/connections/google/callback';

let fake: FakeGoogleOAuth;
beforeAll(async () => {
  fake = await startFakeGoogleOAuth({
    clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
    accounts: [{ email: 'someone@gmail.example', sub: '109876543210987654321', name: 'Some One' }],
  });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

/** Opens the authorize URL like a browser, approves on the consent page, and reads the callback. */
async function signIn(options: { scopes?: readonly string[]; approveScopes?: readonly string[] } = {}) {
  const { codeVerifier, codeChallenge } = await createPkcePair();
  const state = generateState();
  const url = buildGoogleAuthorizationUrl({
    authorizationEndpoint: fake.authorizationEndpoint,
    clientId: CLIENT_ID,
    redirectUri: REDIRECT_URI,
    state,
    codeChallenge,
    scopes: options.scopes ?? GOOGLE_DEFAULT_SCOPES,
  });
  const page = await fetch(url, { redirect: 'manual' });
  expect(page.status).toBe(200);
  await page.body?.cancel();
  const { location } = fake.approveConsent(options.approveScopes == null ? {} : { scopes: options.approveScopes });
  return { callback: parseGoogleCallback(location, state), codeVerifier, state, location };
}

function exchange(overrides: Partial<Parameters<typeof exchangeGoogleAuthorizationCode>[0]> & { code: string }) {
  return exchangeGoogleAuthorizationCode({
    tokenEndpoint: fake.tokenEndpoint,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    codeVerifier: '',
    ...overrides,
  });
}

function refresh(refreshToken: string, overrides: Partial<Parameters<typeof refreshGoogleTokens>[0]> = {}) {
  return refreshGoogleTokens({
    tokenEndpoint: fake.tokenEndpoint,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    refreshToken,
    ...overrides,
  });
}

async function expectGoogleError(promise: Promise<unknown> | (() => unknown), kind: string) {
  let caught: unknown;
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(GoogleOAuthError);
  expect((caught as GoogleOAuthError).kind).toBe(kind);
  return caught as GoogleOAuthError;
}

describe('Google OAuth steps against the fake Google', () => {
  it('should sign in: consent, callback, exchange with client_secret_post, id_token claims, a usable token', async () => {
    const { callback, codeVerifier } = await signIn();
    expect(callback.code).toMatch(/^4\/0A/);
    expect(callback.scopes).toContain(GOOGLE_GENERATIVE_LANGUAGE_SCOPE);

    const tokens = await exchange({
      code: callback.code,
      codeVerifier,
      requiredScopes: [GOOGLE_GENERATIVE_LANGUAGE_SCOPE],
    });

    expect(tokens.accessToken).toMatch(/^ya29\./);
    expect(tokens.refreshToken).toMatch(/^1\/\//);
    expect(tokens.expiresInSeconds).toBe(3599);
    expect(tokens.scopes).toEqual([
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
      GOOGLE_GENERATIVE_LANGUAGE_SCOPE,
    ]);
    expect(readGoogleIdTokenClaims(tokens.idToken ?? '')).toEqual({
      sub: '109876543210987654321',
      email: 'someone@gmail.example',
      isEmailVerified: true,
      name: null,
      picture: null,
    });
    expect(fake.verifyAccessToken(tokens.accessToken)).toMatchObject({ email: 'someone@gmail.example' });
    const [request] = fake.findRequests({ method: 'POST', path: '/token' });
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.form).toEqual({
      grant_type: 'authorization_code',
      redirect_uri: REDIRECT_URI,
      code_verifier: codeVerifier,
      code: callback.code,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });
  });

  it('should build the authorize URL Google documents for offline access with PKCE', () => {
    const url = buildGoogleAuthorizationUrl({
      authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      clientId: CLIENT_ID,
      redirectUri: 'https://gateway.example.com/api/connections/google/callback',
      state: 'state-1',
      codeChallenge: 'c'.repeat(43),
      scopes: GOOGLE_DEFAULT_SCOPES,
      loginHint: 'someone@gmail.example',
    });

    expect(`${url.origin}${url.pathname}`).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: CLIENT_ID,
      redirect_uri: 'https://gateway.example.com/api/connections/google/callback',
      response_type: 'code',
      scope: `openid email ${GOOGLE_GENERATIVE_LANGUAGE_SCOPE}`,
      state: 'state-1',
      code_challenge: 'c'.repeat(43),
      code_challenge_method: 'S256',
      access_type: 'offline',
      prompt: 'consent',
      login_hint: 'someone@gmail.example',
    });
  });

  it('should refuse a wrong client secret as permanent invalid_client', async () => {
    const { callback, codeVerifier } = await signIn();

    const error = await expectGoogleError(
      exchange({ code: callback.code, codeVerifier, clientSecret: 'GOCSPX-wrong' }),
      'invalid_client',
    );

    expect(error).toMatchObject({ status: 401, upstreamCode: 'invalid_client', step: 'token_exchange' });
    expect(error.isPermanent).toBe(true);
    expect(error.message).toBe('Google answered 401 invalid_client: Unauthorized');
    expect(error.message).not.toContain('GOCSPX');
  });

  it('should refuse a wrong redirect URI, a wrong verifier and a reused code as invalid_grant', async () => {
    const wrongRedirect = await signIn();
    const mismatch = await expectGoogleError(
      exchange({
        code: wrongRedirect.callback.code,
        codeVerifier: wrongRedirect.codeVerifier,
        redirectUri: 'http://localhost:3000/api/connections/google/callback',
      }),
      'invalid_grant',
    );
    expect(mismatch.upstreamCode).toBe('redirect_uri_mismatch');

    const wrongVerifier = await signIn();
    const verifier = await expectGoogleError(
      exchange({ code: wrongVerifier.callback.code, codeVerifier: (await createPkcePair()).codeVerifier }),
      'invalid_grant',
    );
    expect(verifier.message).toBe('Google answered 400 invalid_grant: Invalid code verifier.');

    const once = await signIn();
    await exchange({ code: once.callback.code, codeVerifier: once.codeVerifier });
    const reused = await expectGoogleError(
      exchange({ code: once.callback.code, codeVerifier: once.codeVerifier }),
      'invalid_grant',
    );
    expect(reused.isPermanent).toBe(false);
  });

  it('should report a cancelled consent and a forged state from the callback', async () => {
    const { codeChallenge } = await createPkcePair();
    const state = generateState();
    const url = buildGoogleAuthorizationUrl({
      authorizationEndpoint: fake.authorizationEndpoint,
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      state,
      codeChallenge,
      scopes: GOOGLE_DEFAULT_SCOPES,
    });
    await (await fetch(url)).body?.cancel();
    const { location } = fake.denyConsent();

    const denied = await expectGoogleError(() => parseGoogleCallback(location, state), 'access_denied');
    expect(denied).toMatchObject({ upstreamCode: 'access_denied', step: 'authorization' });
    await expectGoogleError(() => parseGoogleCallback(location, generateState()), 'protocol');
  });

  it('should refuse a sign-in where the user unticked the Gemini scope', async () => {
    const { callback, codeVerifier } = await signIn({ approveScopes: [] });
    expect(callback.scopes).not.toContain(GOOGLE_GENERATIVE_LANGUAGE_SCOPE);

    const error = await expectGoogleError(
      exchange({ code: callback.code, codeVerifier, requiredScopes: [GOOGLE_GENERATIVE_LANGUAGE_SCOPE] }),
      'access_denied',
    );

    expect(error.message).toBe(`the Google account did not grant ${GOOGLE_GENERATIVE_LANGUAGE_SCOPE}`);
  });

  it('should refuse an answer without a refresh token (no prompt=consent on a repeat sign-in)', async () => {
    await fake.mintTokens({ clientId: CLIENT_ID });
    const { codeVerifier, codeChallenge } = await createPkcePair();
    const state = generateState();
    const url = buildGoogleAuthorizationUrl({
      authorizationEndpoint: fake.authorizationEndpoint,
      clientId: CLIENT_ID,
      redirectUri: REDIRECT_URI,
      state,
      codeChallenge,
      scopes: GOOGLE_DEFAULT_SCOPES,
    });
    url.searchParams.delete('prompt');
    await (await fetch(url)).body?.cancel();
    const { code } = parseGoogleCallback(fake.approveConsent().location, state);

    const error = await expectGoogleError(exchange({ code, codeVerifier }), 'protocol');

    expect(error.message).toContain('no refresh_token');
  });

  it('should refresh without rotation, keep a rotated token when Google sends one, and stop at a revoked one', async () => {
    const minted = await fake.mintTokens({ clientId: CLIENT_ID });
    const refreshToken = minted.refreshToken ?? '';

    const refreshed = await refresh(refreshToken);
    expect(refreshed.refreshToken).toBe(refreshToken);
    expect(refreshed.accessToken).not.toBe(minted.accessToken);
    expect(readGoogleIdTokenClaims(refreshed.idToken ?? '').sub).toBe('109876543210987654321');
    expect(fake.findRequests({ path: '/token' }).at(-1)?.form).toEqual({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
    });

    fake.setModes({ shouldRotateRefreshTokens: true });
    const rotated = await refresh(refreshToken);
    expect(rotated.refreshToken).not.toBe(refreshToken);

    fake.revokeAll();
    const revoked = await expectGoogleError(refresh(rotated.refreshToken), 'invalid_grant');
    expect(revoked).toMatchObject({ status: 400, step: 'refresh', upstreamCode: 'invalid_grant' });
    expect(revoked.message).toBe('Google answered 400 invalid_grant: Token has been expired or revoked.');
    expect(revoked.isPermanent).toBe(true);
  });

  it('should classify an expired refresh token, a foreign one and a wrong secret on refresh as permanent', async () => {
    fake.registerClient({ clientId: 'other-client', clientSecret: 'other-secret', redirectUris: [REDIRECT_URI] });
    const foreign = await fake.mintTokens({ clientId: 'other-client' });
    const own = await fake.mintTokens({ clientId: CLIENT_ID });

    expect((await expectGoogleError(refresh(foreign.refreshToken ?? ''), 'invalid_client')).isPermanent).toBe(true);
    const wrongSecret = await expectGoogleError(
      refresh(own.refreshToken ?? '', { clientSecret: 'GOCSPX-rotated-away' }),
      'invalid_client',
    );
    expect(wrongSecret.isPermanent).toBe(true);
    fake.expireRefreshTokens();
    expect((await expectGoogleError(refresh(own.refreshToken ?? ''), 'invalid_grant')).isPermanent).toBe(true);
  });

  it('should treat 5xx, 429, dropped connections and timeouts as transient, and a garbled 200 as protocol', async () => {
    const minted = await fake.mintTokens({ clientId: CLIENT_ID });
    const refreshToken = minted.refreshToken ?? '';
    fake.faults.push({
      match: { path: '/token' },
      fault: { kind: 'status', status: 503, headers: { 'retry-after': '7' } },
    });
    const unavailable = await expectGoogleError(refresh(refreshToken), 'transient');
    expect(unavailable).toMatchObject({ status: 503, retryAfterSeconds: 7 });
    expect(unavailable.isPermanent).toBe(false);

    fake.faults.push({
      match: { path: '/token' },
      fault: { kind: 'status', status: 429, body: { error: 'rate_limit_exceeded' } },
    });
    await expectGoogleError(refresh(refreshToken), 'transient');
    fake.faults.push({ match: { path: '/token' }, fault: { kind: 'drop-connection' } });
    await expectGoogleError(refresh(refreshToken), 'transient');
    fake.faults.push({ match: { path: '/token' }, fault: { kind: 'delay', ms: 2000 } });
    const aborted = await expectGoogleError(refresh(refreshToken, { signal: AbortSignal.timeout(50) }), 'transient');
    expect(aborted.message).toBe('Google did not answer in time');
    fake.faults.push({ match: { path: '/token' }, fault: { kind: 'malformed-json' } });
    await expectGoogleError(refresh(refreshToken), 'protocol');
  });

  it('should revoke with only the token in a form body, idempotently', async () => {
    const minted = await fake.mintTokens({ clientId: CLIENT_ID });
    const refreshToken = minted.refreshToken ?? '';

    await revokeGoogleToken({ revocationEndpoint: fake.revocationEndpoint, token: refreshToken });
    await revokeGoogleToken({ revocationEndpoint: fake.revocationEndpoint, token: refreshToken });

    const [first] = fake.findRequests({ method: 'POST', path: '/revoke' });
    expect(first?.query).toEqual({});
    expect(first?.form).toEqual({ token: refreshToken });
    expect(fake.verifyAccessToken(minted.accessToken)).toBeNull();
    await expectGoogleError(refresh(refreshToken), 'invalid_grant');
    fake.faults.push({ match: { path: '/revoke' }, fault: { kind: 'status', status: 500 } });
    const failed = await expectGoogleError(
      revokeGoogleToken({ revocationEndpoint: fake.revocationEndpoint, token: refreshToken }),
      'transient',
    );
    expect(failed.step).toBe('revocation');
  });

  it("should accept Google's bare-host issuer and refuse any other", async () => {
    const legacy = await startFakeGoogleOAuth({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
      issuer: 'accounts.google.com',
    });
    const other = await startFakeGoogleOAuth({
      clients: [{ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT_URI] }],
      issuer: 'https://accounts.example.test',
    });
    try {
      const fromLegacy = await legacy.mintTokens();
      const refreshed = await refresh(fromLegacy.refreshToken ?? '', { tokenEndpoint: legacy.tokenEndpoint });
      expect(refreshed.idToken).toBeDefined();

      const fromOther = await other.mintTokens();
      const error = await expectGoogleError(
        refresh(fromOther.refreshToken ?? '', { tokenEndpoint: other.tokenEndpoint }),
        'protocol',
      );
      expect(error.message).toContain('"iss"');
      const configured = await refresh(fromOther.refreshToken ?? '', {
        tokenEndpoint: other.tokenEndpoint,
        issuer: 'https://accounts.example.test',
      });
      expect(configured.accessToken).toMatch(/^ya29\./);
    } finally {
      await Promise.all([legacy.close(), other.close()]);
    }
  });
});
