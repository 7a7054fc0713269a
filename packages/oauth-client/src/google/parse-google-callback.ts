import { createHash, timingSafeEqual } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { codedTypeError, requireString } from './google-endpoint.ts';
import { GOOGLE_ISSUER } from './google-oauth-constants.ts';
import { GoogleOAuthError } from './google-oauth-error.ts';

export type GoogleCallback = {
  /** The authorization code, URL-decoded (Google's start `4/0A…`). */
  code: string;
  /** The scopes Google reports as granted, when it says (it does): check them before exchanging. */
  scopes: string[];
};

/**
 * Reads the redirect Google sent the browser to (`…/callback?state=…&code=…&scope=…`). `url` may be absolute or the
 * path-and-query a server framework hands over. Checks `state` first, in constant time, so nothing of a forged
 * callback is believed; then lets oauth4webapi check the rest (an `error`, an `iss` that is not Google's, implicit
 * flow leftovers). Throws a {@link GoogleOAuthError}: `access_denied` when the user cancelled, `protocol` otherwise.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export function parseGoogleCallback(url: string | URL, expectedState: string): GoogleCallback {
  requireString({ value: expectedState, name: 'expectedState' });
  const parameters = toSearchParams(url);
  const state = parameters.getAll('state');
  if (state.length !== 1 || !isSameSecret(state[0] ?? '', expectedState)) {
    throw new GoogleOAuthError({
      kind: 'protocol',
      step: 'authorization',
      message: 'the callback state does not match this sign-in (expired, reused or forged)',
    });
  }
  const server: oauth.AuthorizationServer = { issuer: GOOGLE_ISSUER };
  const client: oauth.Client = { client_id: 'unused-for-callback-validation' };
  let validated: URLSearchParams;
  try {
    validated = oauth.validateAuthResponse(server, client, parameters, oauth.skipStateCheck);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) {
      const upstreamCode = error.error;
      const description = error.error_description;
      throw new GoogleOAuthError({
        kind: upstreamCode === 'access_denied' ? 'access_denied' : 'protocol',
        step: 'authorization',
        upstreamCode,
        message:
          upstreamCode === 'access_denied'
            ? 'the Google sign-in was cancelled'
            : `Google refused the sign-in: ${upstreamCode}${description == null ? '' : `: ${description.slice(0, 300)}`}`,
        cause: error,
      });
    }
    throw new GoogleOAuthError({
      kind: 'protocol',
      step: 'authorization',
      message: `the callback is not a valid authorization response: ${(error as Error).message}`,
      cause: error,
    });
  }
  const code = validated.get('code');
  if (code == null || code === '') {
    throw new GoogleOAuthError({ kind: 'protocol', step: 'authorization', message: 'the callback carries no code' });
  }
  const scopes = (validated.get('scope') ?? '').split(' ').filter((scope) => scope !== '');
  return { code, scopes };
}

function toSearchParams(url: string | URL): URLSearchParams {
  if (url instanceof URL) return url.searchParams;
  if (typeof url !== 'string' || url === '')
    throw codedTypeError('"url" must be a URL or a non-empty string', 'ERR_INVALID_ARG_TYPE');
  // A framework's request.url is path and query only; the base is irrelevant to reading the query.
  if (!URL.canParse(url, 'http://callback.invalid'))
    throw codedTypeError('"url" is not a valid URL', 'ERR_INVALID_ARG_VALUE');
  return new URL(url, 'http://callback.invalid').searchParams;
}

/** Compares digests, so neither the content nor the length of the expected state leaks through timing. */
function isSameSecret(received: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected));
}
