import type { GoogleRequestOptions } from './google-endpoint.ts';
import { parseGoogleUrl, requestSignal, requireString } from './google-endpoint.ts';
import { readGoogleErrorResponse } from './read-google-error-response.ts';
import { toGoogleTransportError } from './to-google-transport-error.ts';

export type RevokeGoogleTokenOptions = GoogleRequestOptions & {
  /** Normally `https://oauth2.googleapis.com/revoke`. */
  revocationEndpoint: string;
  /** The refresh token (preferred: it ends the whole grant) or an access token. */
  token: string;
};

/**
 * Revokes the app's access to the account. Google needs no client authentication here and takes the token as a
 * form field; we send it in the body rather than the `?token=` query of Google's curl example
 * (docs/google-protocol.md §1.1), so it stays out of access logs. Hand-written rather than oauth4webapi's
 * `revocationRequest`, which would add a `client_id` Google's endpoint does not take.
 *
 * A token Google already considers dead (400 `invalid_token`) counts as revoked: disconnecting must be idempotent.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export async function revokeGoogleToken(options: RevokeGoogleTokenOptions): Promise<void> {
  const step = 'revocation';
  const endpoint = parseGoogleUrl({ value: options.revocationEndpoint, name: 'revocationEndpoint' });
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({ token: requireString({ value: options.token, name: 'token' }) }).toString(),
      signal: requestSignal(options.signal),
    });
  } catch (error) {
    throw toGoogleTransportError({ error, step });
  }
  if (response.ok) {
    await response.body?.cancel();
    return;
  }
  const error = await readGoogleErrorResponse({ response, step });
  if (response.status === 400 && error.upstreamCode === 'invalid_token') return;
  throw error;
}
