import { describe, expect, it } from 'vitest';
import { GoogleOAuthError } from './google-oauth-error.ts';
import { parseGoogleCallback } from './parse-google-callback.ts';

const STATE = 'Qm9vYmFyYmF6LXN0YXRlLXZhbHVl';
const CALLBACK = 'https://gateway.example.com/api/connections/google/callback';
const SCOPE = 'email%20openid%20https://www.googleapis.com/auth/userinfo.email';

describe('parseGoogleCallback', () => {
  it.each([
    [`${CALLBACK}?state=${STATE}&code=4%2F0AbC-dEf_123&scope=${SCOPE}&authuser=0&prompt=consent`, '4/0AbC-dEf_123'],
    [`/api/connections/google/callback?code=4/0AbC&state=${STATE}`, '4/0AbC'],
    [new URL(`${CALLBACK}?state=${STATE}&code=4/0AbC&iss=https://accounts.google.com`), '4/0AbC'],
  ])('should read the code of %s', (url, code) => {
    expect(parseGoogleCallback(url, STATE).code).toBe(code);
  });

  it('should report the granted scopes', () => {
    expect(parseGoogleCallback(`${CALLBACK}?state=${STATE}&code=4/0A&scope=${SCOPE}`, STATE).scopes).toEqual([
      'email',
      'openid',
      'https://www.googleapis.com/auth/userinfo.email',
    ]);
  });

  it.each([
    [
      `${CALLBACK}?code=4/0A`,
      'protocol',
      undefined,
      'the callback state does not match this sign-in (expired, reused or forged)',
    ],
    [
      `${CALLBACK}?code=4/0A&state=other`,
      'protocol',
      undefined,
      'the callback state does not match this sign-in (expired, reused or forged)',
    ],
    [
      `${CALLBACK}?code=4/0A&state=${STATE}&state=${STATE}`,
      'protocol',
      undefined,
      'the callback state does not match this sign-in (expired, reused or forged)',
    ],
    // A forged error must not be believed either: state is checked before the error.
    [
      `${CALLBACK}?error=access_denied&state=other`,
      'protocol',
      undefined,
      'the callback state does not match this sign-in (expired, reused or forged)',
    ],
    [
      `${CALLBACK}?error=access_denied&state=${STATE}`,
      'access_denied',
      'access_denied',
      'the Google sign-in was cancelled',
    ],
    [
      `${CALLBACK}?error=admin_policy_enforced&error_description=Blocked+by+admin&state=${STATE}`,
      'protocol',
      'admin_policy_enforced',
      'Google refused the sign-in: admin_policy_enforced: Blocked by admin',
    ],
    [`${CALLBACK}?state=${STATE}`, 'protocol', undefined, 'the callback carries no code'],
    [
      `${CALLBACK}?state=${STATE}&code=4/0A&iss=https://evil.example`,
      'protocol',
      undefined,
      'the callback is not a valid authorization response: unexpected "iss" (issuer) response parameter value',
    ],
    [
      `${CALLBACK}?state=${STATE}&code=4/0A&access_token=x&token=y`,
      'protocol',
      undefined,
      'the callback is not a valid authorization response: implicit and hybrid flows are not supported',
    ],
  ])('should refuse %s as %s', (url, kind, upstreamCode, message) => {
    let caught: unknown;
    try {
      parseGoogleCallback(url, STATE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(GoogleOAuthError);
    expect(caught).toMatchObject({ kind, upstreamCode, message, step: 'authorization' });
  });

  it.each([
    [['', STATE], '"url" must be a URL or a non-empty string'],
    [[CALLBACK, ''], '"expectedState" must be a non-empty string'],
  ])('should throw a coded TypeError for %j', (args, message) => {
    expect(() => parseGoogleCallback(...(args as [string, string]))).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE', message }),
    );
  });
});
