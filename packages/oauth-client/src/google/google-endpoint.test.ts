import { describe, expect, it } from 'vitest';
import { buildGoogleAuthorizationUrl } from './build-google-authorization-url.ts';
import { exchangeGoogleAuthorizationCode } from './exchange-google-authorization-code.ts';
import { refreshGoogleTokens } from './refresh-google-tokens.ts';
import { revokeGoogleToken } from './revoke-google-token.ts';

// Configuration mistakes are programmer errors: coded TypeErrors before any request, never a GoogleOAuthError.
const failingFetch = (() => {
  throw new Error('no request may be sent');
}) as unknown as typeof fetch;

const URL_PROBLEM = 'must be an absolute https URL (http only for loopback hosts)';

describe('Google endpoint checks', () => {
  const authorize = {
    authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
    clientId: 'id.apps.googleusercontent.com',
    redirectUri: 'https://gateway.example.com/api/connections/google/callback',
    state: 'state',
    codeChallenge: 'c'.repeat(43),
    scopes: ['openid'],
  };

  it.each([
    [
      { authorizationEndpoint: 'http://accounts.google.com/o/oauth2/v2/auth' },
      'ERR_INVALID_ARG_VALUE',
      `"authorizationEndpoint" ${URL_PROBLEM}`,
    ],
    [
      { authorizationEndpoint: 'accounts.google.com' },
      'ERR_INVALID_ARG_TYPE',
      `"authorizationEndpoint" ${URL_PROBLEM}`,
    ],
    [{ redirectUri: 'http://gateway.example.com/callback' }, 'ERR_INVALID_ARG_VALUE', `"redirectUri" ${URL_PROBLEM}`],
    [{ clientId: '' }, 'ERR_INVALID_ARG_TYPE', '"clientId" must be a non-empty string'],
    [{ scopes: [] }, 'ERR_INVALID_ARG_VALUE', '"scopes" must be a non-empty array of scope strings without spaces'],
    [
      { scopes: ['openid email'] },
      'ERR_INVALID_ARG_VALUE',
      '"scopes" must be a non-empty array of scope strings without spaces',
    ],
  ])('should refuse an authorize URL with %j', (override, code, message) => {
    expect(() => buildGoogleAuthorizationUrl({ ...authorize, ...override })).toThrow(
      expect.objectContaining({ name: 'TypeError', code, message }),
    );
  });

  it('should allow http for loopback hosts only', () => {
    for (const host of ['127.0.0.1:4000', 'localhost:4000', '[::1]:4000']) {
      const url = buildGoogleAuthorizationUrl({
        ...authorize,
        authorizationEndpoint: `http://${host}/o/oauth2/v2/auth`,
      });
      expect(url.protocol).toBe('http:');
    }
  });

  it('should refuse bad endpoints and empty secrets before sending anything', async () => {
    const common = { clientId: 'id', clientSecret: 'secret', fetch: failingFetch };
    await expect(
      refreshGoogleTokens({ ...common, tokenEndpoint: 'http://oauth2.googleapis.com/token', refreshToken: 'r' }),
    ).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
      message: `"tokenEndpoint" ${URL_PROBLEM}`,
    });
    await expect(
      refreshGoogleTokens({
        ...common,
        tokenEndpoint: 'https://oauth2.googleapis.com/token',
        clientSecret: '',
        refreshToken: 'r',
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: '"clientSecret" must be a non-empty string' });
    await expect(
      exchangeGoogleAuthorizationCode({
        ...common,
        tokenEndpoint: 'https://oauth2.googleapis.com/token',
        code: '',
        redirectUri: authorize.redirectUri,
        codeVerifier: 'v',
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_TYPE', message: '"code" must be a non-empty string' });
    await expect(
      revokeGoogleToken({ revocationEndpoint: 'ftp://oauth2.googleapis.com/revoke', token: 't', fetch: failingFetch }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_ARG_VALUE', message: `"revocationEndpoint" ${URL_PROBLEM}` });
  });
});
