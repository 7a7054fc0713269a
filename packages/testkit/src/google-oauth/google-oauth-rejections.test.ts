import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { get, postForm, readErrorPage } from '../oauth-server/oauth-test-support.ts';
import { TIMEOUT_MS } from '../test-fetch.ts';
import { DEFAULT_FAKE_GOOGLE_CLIENT, GENERATIVE_LANGUAGE_SCOPE } from './create-fake-google-oauth-store.ts';
import type { FakeGoogleOAuth } from './google-oauth-fake.ts';
import { startFakeGoogleOAuth } from './google-oauth-fake.ts';
import { basicAuthorization, buildAuthorizeUrl, exchangeCode, getAuthorizationCode, refresh } from './test-support.ts';

const { clientId, clientSecret } = DEFAULT_FAKE_GOOGLE_CLIENT;
const REDIRECT_URI = DEFAULT_FAKE_GOOGLE_CLIENT.redirectUris[0];

let fake: FakeGoogleOAuth;
beforeEach(async () => {
  fake = await startFakeGoogleOAuth({ autoApprove: true });
});
afterEach(closeAllFakeServers);

describe('GET /o/oauth2/v2/auth rejections (an error page, never a redirect)', () => {
  it.each([
    [{ client_id: undefined }, 400, 'invalid_request', 'Missing required parameter: client_id'],
    [{ client_id: 'unknown.apps.googleusercontent.com' }, 401, 'invalid_client', 'The OAuth client was not found.'],
    [{ redirect_uri: undefined }, 400, 'invalid_request', 'Missing required parameter: redirect_uri'],
    [
      { redirect_uri: `${REDIRECT_URI}/` },
      400,
      'redirect_uri_mismatch',
      `You can't sign in to this app because it doesn't comply with Google's OAuth 2.0 policy. Request details: redirect_uri=${REDIRECT_URI}/`,
    ],
    [{ response_type: undefined }, 400, 'invalid_request', 'Required parameter is missing: response_type'],
    [{ response_type: 'token' }, 400, 'unsupported_response_type', 'Invalid response_type: token'],
    [{ scope: undefined }, 400, 'invalid_request', 'Missing required parameter: scope'],
    [
      { scope: `openid bogus ${GENERATIVE_LANGUAGE_SCOPE}` },
      400,
      'invalid_scope',
      `Some requested scopes were invalid. {valid=[openid, ${GENERATIVE_LANGUAGE_SCOPE}], invalid=[bogus]}`,
    ],
    [
      { scope: 'openid email https://www.googleapis.com/auth/cloud-platform' },
      400,
      'invalid_scope',
      `Missing required scope: ${GENERATIVE_LANGUAGE_SCOPE}`,
    ],
    [{ code_challenge: undefined }, 400, 'invalid_request', 'Missing required parameter: code_challenge'],
    [{ code_challenge_method: undefined }, 400, 'invalid_request', 'code_challenge_method must be S256.'],
    [{ code_challenge_method: 'plain' }, 400, 'invalid_request', 'code_challenge_method must be S256.'],
    [{ code_challenge: 'short' }, 400, 'invalid_request', 'Invalid code_challenge.'],
    [{ state: undefined }, 400, 'invalid_request', 'Missing required parameter: state'],
    [{ access_type: 'forever' }, 400, 'invalid_request', 'Invalid access_type: forever'],
    [{ prompt: 'login' }, 400, 'invalid_request', 'Invalid prompt: login'],
    [{ prompt: 'none consent' }, 400, 'invalid_request', 'prompt=none cannot be combined with other values.'],
  ])('should refuse %j with %i %s', async (overrides, status, error, description) => {
    const response = await get(buildAuthorizeUrl({ fake, overrides }));

    expect(response.status).toBe(status);
    expect(await readErrorPage(response)).toEqual({ error, description });
  });

  it('should refuse a repeated parameter', async () => {
    const response = await get(`${buildAuthorizeUrl({ fake })}&state=again`);

    expect(response.status).toBe(400);
    expect(await readErrorPage(response)).toEqual({
      error: 'invalid_request',
      description: 'Parameter "state" must be provided only once.',
    });
  });
});

describe('POST /token rejections (exact Google bodies)', () => {
  const basic = basicAuthorization(clientId, clientSecret);

  it.each([
    [
      'no client_id',
      { client_id: undefined },
      {},
      400,
      'invalid_request',
      'Could not determine client ID from request.',
    ],
    ['an unknown client', { client_id: 'unknown' }, {}, 401, 'invalid_client', 'The OAuth client was not found.'],
    ['no client_secret', { client_secret: undefined }, {}, 401, 'invalid_client', 'client_secret is missing.'],
    ['a wrong client_secret', { client_secret: 'GOCSPX-wrong' }, {}, 401, 'invalid_client', 'Unauthorized'],
    [
      'a wrong secret in Basic',
      { client_id: undefined, client_secret: undefined },
      { authorization: basicAuthorization(clientId, 'GOCSPX-wrong') },
      401,
      'invalid_client',
      'Unauthorized',
    ],
    ['a malformed Basic header', {}, { authorization: 'Basic %%%' }, 401, 'invalid_client', 'Unauthorized'],
    [
      'both Basic and a body secret',
      {},
      { authorization: basic },
      400,
      'invalid_request',
      'Only one client authentication method may be used.',
    ],
    ['no grant_type', { grant_type: undefined }, {}, 400, 'unsupported_grant_type', 'Invalid grant_type: '],
    ['a password grant', { grant_type: 'password' }, {}, 400, 'unsupported_grant_type', 'Invalid grant_type: password'],
    ['no code', { code: undefined }, {}, 400, 'invalid_request', 'Missing required parameter: code'],
    [
      'no redirect_uri',
      { redirect_uri: undefined },
      {},
      400,
      'invalid_request',
      'Missing required parameter: redirect_uri',
    ],
    ['a malformed code', { code: 'not-a-code' }, {}, 400, 'invalid_grant', 'Malformed auth code.'],
    ['an unknown code', { code: '4/0Aunknown' }, {}, 400, 'invalid_grant', 'Bad Request'],
    [
      'a different redirect_uri',
      { redirect_uri: 'http://localhost:3000/api/connections/google/callback' },
      {},
      400,
      'redirect_uri_mismatch',
      'Bad Request',
    ],
    ['no code_verifier', { code_verifier: undefined }, {}, 400, 'invalid_grant', 'Missing code verifier.'],
    ['a wrong code_verifier', { code_verifier: 'x'.repeat(64) }, {}, 400, 'invalid_grant', 'Invalid code verifier.'],
  ])('should refuse an exchange with %s', async (_name, overrides, headers, status, error, description) => {
    const code = await getAuthorizationCode({ fake });

    const response = await exchangeCode({ fake, code, overrides, headers });

    expect(response.status).toBe(status);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error, error_description: description });
  });

  it('should make a code single-use and revoke the grant its first use produced', async () => {
    const code = await getAuthorizationCode({ fake });
    const first = (await (await exchangeCode({ fake, code })).json()) as { access_token: string };

    const second = await exchangeCode({ fake, code });

    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
    expect(fake.verifyAccessToken(first.access_token)).toBeNull();
  });

  it("should refuse another client's code as invalid_grant", async () => {
    fake.registerClient({ clientId: 'other', clientSecret: 'other-secret', redirectUris: [REDIRECT_URI] });
    const code = await getAuthorizationCode({ fake });

    const response = await exchangeCode({
      fake,
      code,
      overrides: { client_id: 'other', client_secret: 'other-secret' },
    });

    expect(await response.json()).toEqual({ error: 'invalid_grant', error_description: 'Bad Request' });
  });

  it.each([
    ['an unknown refresh token', () => '1//0unknown', 400, 'invalid_grant', 'Token has been expired or revoked.'],
    ['no refresh token', () => '', 400, 'invalid_request', 'Missing required parameter: refresh_token'],
  ])('should refuse a refresh with %s', async (_name, token, status, error, description) => {
    const response = await refresh({ fake, refreshToken: token() });

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error, error_description: description });
  });

  it('should refuse revoked, expired and foreign refresh tokens', async () => {
    fake.registerClient({ clientId: 'other', clientSecret: 'other-secret', redirectUris: [REDIRECT_URI] });
    const revoked = await fake.mintTokens();
    fake.revokeAll();
    const expired = await fake.mintTokens();
    fake.expireRefreshTokens();
    const live = await fake.mintTokens();
    const expiredOrRevoked = { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' };

    expect(await (await refresh({ fake, refreshToken: revoked.refreshToken ?? '' })).json()).toEqual(expiredOrRevoked);
    expect(await (await refresh({ fake, refreshToken: expired.refreshToken ?? '' })).json()).toEqual(expiredOrRevoked);
    const foreign = await refresh({
      fake,
      refreshToken: live.refreshToken ?? '',
      overrides: { client_id: 'other', client_secret: 'other-secret' },
    });
    expect(foreign.status).toBe(400);
    expect(await foreign.json()).toEqual({ error: 'unauthorized_client', error_description: 'Unauthorized' });
  });

  it.each([
    [
      'JSON',
      'application/json',
      '{"grant_type":"refresh_token"}',
      'Unsupported content type "application/json"; send application/x-www-form-urlencoded.',
    ],
    [
      'a repeated field',
      'application/x-www-form-urlencoded',
      'grant_type=a&grant_type=b',
      'Parameter "grant_type" must be provided only once.',
    ],
  ])('should refuse %s as invalid_request', async (_name, contentType, body, description) => {
    const response = await fetch(fake.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: 'invalid_request', error_description: description });
  });
});

describe('POST /revoke rejections', () => {
  it.each([
    ['no token', {}, 400, { error: 'invalid_request', error_description: 'Missing required parameter: token' }],
    [
      'an unknown token',
      { token: 'ya29.unknown' },
      400,
      { error: 'invalid_token', error_description: 'Token expired or revoked' },
    ],
  ])('should refuse %s', async (_name, fields, status, body) => {
    const response = await postForm({ url: fake.revocationEndpoint, fields });

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual(body);
  });
});
