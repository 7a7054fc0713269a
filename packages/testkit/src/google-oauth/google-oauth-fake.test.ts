import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import type { TokenResponseBody } from '../oauth-server/oauth-test-support.ts';
import {
  createManualClock,
  expectTokenAnswer,
  get,
  postForm,
  readSession,
} from '../oauth-server/oauth-test-support.ts';
import {
  DEFAULT_FAKE_GOOGLE_ACCOUNT,
  DEFAULT_FAKE_GOOGLE_CLIENT,
  EMAIL_SCOPE,
  GENERATIVE_LANGUAGE_SCOPE,
} from './create-fake-google-oauth-store.ts';
import { startFakeGoogleOAuth } from './google-oauth-fake.ts';
import {
  authorize,
  basicAuthorization,
  buildAuthorizeUrl,
  exchangeCode,
  getAuthorizationCode,
  refresh,
  signIn,
} from './test-support.ts';

afterEach(closeAllFakeServers);

const GRANTED_SCOPE = `openid ${EMAIL_SCOPE} ${GENERATIVE_LANGUAGE_SCOPE}`;

describe('startFakeGoogleOAuth: authorize and consent', () => {
  it('should show a consent page, then redirect with state first, a slashed code and the expanded scope', async () => {
    const fake = await startFakeGoogleOAuth();
    const page = await get(buildAuthorizeUrl({ fake }));
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('data-testid="approve"');
    expect(html).toContain(`value="${GENERATIVE_LANGUAGE_SCOPE}" checked`);
    expect(fake.pendingConsents).toMatchObject([{ state: 'state-123', clientId: DEFAULT_FAKE_GOOGLE_CLIENT.clientId }]);

    const { location } = fake.approveConsent();

    const callback = new URL(location);
    expect(`${callback.origin}${callback.pathname}`).toBe(DEFAULT_FAKE_GOOGLE_CLIENT.redirectUris[0]);
    expect([...callback.searchParams.keys()]).toEqual(['state', 'code', 'scope', 'authuser', 'prompt']);
    expect(callback.searchParams.get('state')).toBe('state-123');
    expect(callback.searchParams.get('code')).toMatch(/^4\/0A[A-Za-z0-9_-]{64}$/);
    expect(location).toContain('code=4%2F0A');
    expect(callback.searchParams.get('scope')).toBe(GRANTED_SCOPE);
    expect(fake.pendingConsents).toEqual([]);
  });

  it('should approve and deny through the consent form itself', async () => {
    const fake = await startFakeGoogleOAuth();
    const submit = async (decision: 'approve' | 'deny', extra: Record<string, string> = {}) => {
      const session = await readSession(await get(buildAuthorizeUrl({ fake })));
      const response = await postForm({
        url: `${fake.url}/o/oauth2/v2/auth/decision`,
        fields: { session, decision, account: DEFAULT_FAKE_GOOGLE_ACCOUNT.sub, ...extra },
      });
      expect(response.status).toBe(302);
      return new URL(response.headers.get('location') ?? '');
    };

    const denied = await submit('deny');
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'access_denied', state: 'state-123' });
    const unticked = await submit('approve', { granular: '1' });
    expect(unticked.searchParams.get('scope')).toBe(`openid ${EMAIL_SCOPE}`);
    const approved = await submit('approve', { granular: '1', scope: GENERATIVE_LANGUAGE_SCOPE });
    expect(approved.searchParams.get('scope')).toBe(GRANTED_SCOPE);
  });

  it('should auto-approve for the login_hint account and auto-deny when consent is denied', async () => {
    const fake = await startFakeGoogleOAuth({
      autoApprove: true,
      accounts: [{ email: 'first@gmail.example' }, { email: 'second@gmail.example' }],
    });
    const hinted = await authorize({ fake, overrides: { login_hint: 'second@gmail.example' } });
    const code = hinted.searchParams.get('code') ?? '';
    expect(hinted.searchParams.get('authuser')).toBe('1');
    const tokens = (await (await exchangeCode({ fake, code })).json()) as TokenResponseBody;
    expect(fake.verifyAccessToken(tokens.access_token)?.email).toBe('second@gmail.example');

    fake.setModes({ isConsentDenied: true });
    const denied = await authorize({ fake });
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'access_denied', state: 'state-123' });
  });

  it('should answer prompt=none with consent_required before any consent, and with a code after', async () => {
    const fake = await startFakeGoogleOAuth({ autoApprove: true });
    const before = await authorize({ fake, overrides: { prompt: 'none' } });
    expect(Object.fromEntries(before.searchParams)).toEqual({ error: 'consent_required', state: 'state-123' });
    await signIn({ fake });
    const after = await authorize({ fake, overrides: { prompt: 'none' } });
    expect(after.searchParams.get('code')).not.toBeNull();
    expect(after.searchParams.get('prompt')).toBe('none');
  });
});

describe('startFakeGoogleOAuth: token endpoint', () => {
  it('should exchange a code for Google-shaped tokens with a verifiable id_token', async () => {
    const fake = await startFakeGoogleOAuth();
    const code = await getAuthorizationCode({ fake });

    const response = await exchangeCode({ fake, code });

    const fields = ['access_token', 'expires_in', 'refresh_token', 'scope', 'token_type', 'id_token'];
    const body = await expectTokenAnswer(response, fields);
    expect(body).toMatchObject({ expires_in: 3599, scope: GRANTED_SCOPE, token_type: 'Bearer' });
    expect(body.access_token).toMatch(/^ya29\.a0[A-Za-z0-9_-]+$/);
    expect(body.refresh_token).toMatch(/^1\/\/0[A-Za-z0-9_-]+$/);
    const { payload, protectedHeader } = await jwtVerify(body.id_token ?? '', createLocalJWKSet(fake.jwks), {
      issuer: 'https://accounts.google.com',
      audience: DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
    });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload).toMatchObject({
      azp: DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
      sub: DEFAULT_FAKE_GOOGLE_ACCOUNT.sub,
      email: DEFAULT_FAKE_GOOGLE_ACCOUNT.email,
      email_verified: true,
    });
    expect(payload.at_hash).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(payload.name).toBeUndefined();
    expect(fake.verifyAccessToken(body.access_token)).toMatchObject({
      email: DEFAULT_FAKE_GOOGLE_ACCOUNT.email,
      scopes: GRANTED_SCOPE.split(' '),
    });
  });

  it('should accept client_secret_basic as well as client_secret_post', async () => {
    const fake = await startFakeGoogleOAuth();
    const code = await getAuthorizationCode({ fake });
    const { clientId, clientSecret } = DEFAULT_FAKE_GOOGLE_CLIENT;

    const response = await exchangeCode({
      fake,
      code,
      overrides: { client_id: undefined, client_secret: undefined },
      headers: { authorization: basicAuthorization(clientId, clientSecret) },
    });

    expect(response.status).toBe(200);
  });

  it('should issue a refresh token only for offline access on a first or forced consent', async () => {
    const fake = await startFakeGoogleOAuth({ autoApprove: true });
    const online = await signIn({ fake, overrides: { access_type: undefined, prompt: undefined } });
    expect(online.refresh_token).toBeUndefined();
    // The online sign-in already consented, so a plain offline sign-in is no longer a first consent.
    const repeat = await signIn({ fake, overrides: { prompt: undefined } });
    expect(repeat.refresh_token).toBeUndefined();
    const forced = await signIn({ fake });
    expect(forced.refresh_token).toBeDefined();

    const other = await startFakeGoogleOAuth({ autoApprove: true });
    expect((await signIn({ fake: other, overrides: { prompt: undefined } })).refresh_token).toBeDefined();
  });

  it('should refresh without rotating: no refresh_token back, and the old one keeps working', async () => {
    const fake = await startFakeGoogleOAuth({ autoApprove: true });
    const first = await signIn({ fake });

    const once = await refresh({ fake, refreshToken: first.refresh_token ?? '' });
    const twice = await refresh({ fake, refreshToken: first.refresh_token ?? '' });

    for (const response of [once, twice]) {
      expect(response.status).toBe(200);
      const body = (await response.json()) as TokenResponseBody;
      expect(Object.keys(body)).toEqual(['access_token', 'expires_in', 'scope', 'token_type', 'id_token']);
      expect(body.access_token).not.toBe(first.access_token);
    }
    expect(fake.issuedTokens.map((issued) => issued.grant)).toEqual([
      'authorization_code',
      'refresh_token',
      'refresh_token',
    ]);
  });

  it('should rotate when told to, and then refuse the replaced refresh token', async () => {
    const fake = await startFakeGoogleOAuth({ modes: { shouldRotateRefreshTokens: true } });
    const minted = await fake.mintTokens();

    const rotated = (await (
      await refresh({ fake, refreshToken: minted.refreshToken ?? '' })
    ).json()) as TokenResponseBody;
    const stale = await refresh({ fake, refreshToken: minted.refreshToken ?? '' });

    expect(rotated.refresh_token).toMatch(/^1\/\//);
    expect(stale.status).toBe(400);
    expect(await stale.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
  });

  it('should expire codes, access tokens and refresh tokens on the injected clock', async () => {
    const clock = createManualClock();
    const fake = await startFakeGoogleOAuth({
      autoApprove: true,
      now: clock.now,
      authorizationCodeTtlSeconds: 60,
      accessTokenTtlSeconds: 120,
      refreshTokenTtlSeconds: 7 * 86_400,
    });
    const code = await getAuthorizationCode({ fake });
    clock.advance(60);
    expect(await (await exchangeCode({ fake, code })).json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Bad Request',
    });

    const minted = await fake.mintTokens();
    expect(minted.expiresIn).toBe(120);
    clock.advance(119);
    expect(fake.verifyAccessToken(minted.accessToken)).not.toBeNull();
    clock.advance(1);
    expect(fake.verifyAccessToken(minted.accessToken)).toBeNull();
    expect((await refresh({ fake, refreshToken: minted.refreshToken ?? '' })).status).toBe(200);
    clock.advance(7 * 86_400);
    expect((await refresh({ fake, refreshToken: minted.refreshToken ?? '' })).status).toBe(400);
  });
});

describe('startFakeGoogleOAuth: revoke, userinfo, tokeninfo, discovery', () => {
  it('should revoke the whole grant by either token, make the next consent a first one, and 400 a dead token', async () => {
    const fake = await startFakeGoogleOAuth({ autoApprove: true });
    const tokens = await signIn({ fake });

    const revoked = await postForm({ url: fake.revocationEndpoint, fields: { token: tokens.access_token } });
    const again = await postForm({
      url: `${fake.revocationEndpoint}?token=${encodeURIComponent(tokens.refresh_token ?? '')}`,
      fields: {},
    });

    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({});
    expect(again.status).toBe(400);
    expect(await again.json()).toEqual({ error: 'invalid_token', error_description: 'Token expired or revoked' });
    expect(fake.verifyAccessToken(tokens.access_token)).toBeNull();
    expect(await (await refresh({ fake, refreshToken: tokens.refresh_token ?? '' })).json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Token has been expired or revoked.',
    });
    expect((await signIn({ fake, overrides: { prompt: undefined } })).refresh_token).toBeDefined();
  });

  it('should serve userinfo (v2 and v1) by bearer token, with 401 googleapis errors otherwise', async () => {
    const fake = await startFakeGoogleOAuth({ autoApprove: true });
    const tokens = await signIn({ fake, overrides: { scope: `openid email profile ${GENERATIVE_LANGUAGE_SCOPE}` } });

    for (const path of ['/oauth2/v2/userinfo', '/oauth2/v1/userinfo?alt=json']) {
      const response = await get(`${fake.url}${path}`, { authorization: `Bearer ${tokens.access_token}` });
      expect(await response.json()).toEqual({
        id: DEFAULT_FAKE_GOOGLE_ACCOUNT.sub,
        email: DEFAULT_FAKE_GOOGLE_ACCOUNT.email,
        verified_email: true,
        name: 'Fake User',
        given_name: 'Fake',
        family_name: 'User',
        picture: DEFAULT_FAKE_GOOGLE_ACCOUNT.picture,
      });
    }
    const missing = await get(`${fake.url}/oauth2/v2/userinfo`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    fake.expireAccessTokens();
    const expired = await get(`${fake.url}/oauth2/v2/userinfo`, { authorization: `Bearer ${tokens.access_token}` });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('should serve tokeninfo with string numbers, and 400 invalid_token for a dead token', async () => {
    const fake = await startFakeGoogleOAuth();
    const minted = await fake.mintTokens();

    const response = await fetch(`${fake.url}/tokeninfo`, {
      method: 'POST',
      headers: { authorization: `Bearer ${minted.accessToken}` },
    });
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      aud: DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
      sub: DEFAULT_FAKE_GOOGLE_ACCOUNT.sub,
      scope: GRANTED_SCOPE,
      email: DEFAULT_FAKE_GOOGLE_ACCOUNT.email,
      email_verified: 'true',
      expires_in: expect.stringMatching(/^35\d\d$/),
    });
    fake.revokeAll();
    const dead = await get(`${fake.url}/tokeninfo?access_token=${minted.accessToken}`);
    expect(dead.status).toBe(400);
    expect(await dead.json()).toEqual({ error: 'invalid_token', error_description: 'Invalid Value' });
  });

  it('should publish its endpoints, a configurable issuer and the JWKS', async () => {
    const fake = await startFakeGoogleOAuth({ issuer: 'https://accounts.example.test' });
    const discovery = (await (await get(`${fake.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery).toMatchObject({
      issuer: 'https://accounts.example.test',
      authorization_endpoint: fake.authorizationEndpoint,
      token_endpoint: fake.tokenEndpoint,
      revocation_endpoint: fake.revocationEndpoint,
      jwks_uri: `${fake.url}/oauth2/v3/certs`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
    });
    expect(await (await get(`${fake.url}/oauth2/v3/certs`)).json()).toEqual(fake.jwks);
    const minted = await fake.mintTokens();
    const { payload } = await jwtVerify(minted.idToken ?? '', createLocalJWKSet(fake.jwks));
    expect(payload.iss).toBe('https://accounts.example.test');
  });
});

describe('startFakeGoogleOAuth: options and hooks', () => {
  it.each([
    [{ requiredScopes: ['bogus'] }, '"requiredScopes" has unknown scopes: bogus'],
    [{ clients: [{ clientId: 'a', clientSecret: 'b', redirectUris: ['nope'] }] }, '"clients[0].redirectUris"'],
    [{ modes: { autoApprove: 'yes' } }, '"modes.autoApprove" has an invalid value "yes"'],
  ])('should refuse %j', async (options, message) => {
    await expect(startFakeGoogleOAuth(options as never)).rejects.toThrow(message);
  });

  it('should register clients at run time and forget them on reset', async () => {
    const fake = await startFakeGoogleOAuth({ autoApprove: true });
    fake.registerClient({
      clientId: 'second.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-second',
      redirectUris: ['https://gateway.example.com/api/connections/google/callback'],
    });
    const callback = await authorize({
      fake,
      overrides: {
        client_id: 'second.apps.googleusercontent.com',
        redirect_uri: 'https://gateway.example.com/api/connections/google/callback',
      },
    });
    expect(callback.origin).toBe('https://gateway.example.com');

    fake.reset();

    expect(fake.clients.map((client) => client.clientId)).toEqual([DEFAULT_FAKE_GOOGLE_CLIENT.clientId]);
    expect(fake.requests).toEqual([]);
    expect(fake.issuedTokens).toEqual([]);
    expect(fake.modes.autoApprove).toBe(true);
  });

  it('should refuse hook misuse with coded errors', async () => {
    const fake = await startFakeGoogleOAuth();
    expect(() => fake.approveConsent()).toThrow('no sign-in is waiting for consent');
    expect(() => fake.denyConsent({ session: 'nope' })).toThrow('"session" "nope" is not pending');
    expect(() => fake.revokeAll('nobody@example.com')).toThrow('is not a known email or sub');
    await expect(fake.mintTokens({ clientId: 'unknown' })).rejects.toThrow('"clientId" "unknown" is not registered');
    expect(() => fake.setModes({ accessTokenTtlSeconds: -1 })).toThrow('"modes.accessTokenTtlSeconds"');
  });
});
