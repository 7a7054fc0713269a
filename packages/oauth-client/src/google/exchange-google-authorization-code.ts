import * as oauth from 'oauth4webapi';
import type { GoogleRequestOptions } from './google-endpoint.ts';
import {
  googleAuthorizationServer,
  googleTokenRequestOptions,
  parseGoogleUrl,
  requireString,
} from './google-endpoint.ts';
import { GoogleOAuthError } from './google-oauth-error.ts';
import type { GoogleTokenSet } from './google-token-set.ts';
import { processGoogleTokenResponse, readGrantedScopes } from './process-google-token-response.ts';
import { readGoogleErrorResponse } from './read-google-error-response.ts';
import { toGoogleTransportError } from './to-google-transport-error.ts';

export type ExchangeGoogleAuthorizationCodeOptions = GoogleRequestOptions & {
  /** `GATEWAY_GOOGLE_TOKEN_URL`, normally `https://oauth2.googleapis.com/token`. */
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  /** From `parseGoogleCallback`, which has already checked `state`. */
  code: string;
  /** Byte-identical to the one in the authorize URL (docs/google-protocol.md §1.4). */
  redirectUri: string;
  codeVerifier: string;
  /** Expected id_token `iss`; Google's by default. */
  issuer?: string;
  /** Scopes the user must have left ticked; a missing one is `access_denied`. */
  requiredScopes?: readonly string[];
};

/**
 * Exchanges the authorization code for tokens, with oauth4webapi building the request and checking the answer.
 *
 * Client authentication is `client_secret_post` (id and secret in the form body): the method Google's web-server
 * guide and gemini-cli use (docs/google-protocol.md §1.4: "Fields: code, client_id, client_secret, …"). Google accepts
 * `client_secret_basic` too, but the body form is the documented one and avoids Basic's form-encoding pitfalls.
 *
 * The answer must carry a refresh token: the URL from `buildGoogleAuthorizationUrl` always asks for one
 * (`access_type=offline`, `prompt=consent`), and without it the gateway could not keep the account connected.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.5
 */
export async function exchangeGoogleAuthorizationCode(
  options: ExchangeGoogleAuthorizationCodeOptions,
): Promise<GoogleTokenSet> {
  const step = 'token_exchange';
  const endpoint = parseGoogleUrl({ value: options.tokenEndpoint, name: 'tokenEndpoint' });
  const server = googleAuthorizationServer({ tokenEndpoint: endpoint, issuer: options.issuer });
  const client: oauth.Client = { client_id: requireString({ value: options.clientId, name: 'clientId' }) };
  const clientSecret = requireString({ value: options.clientSecret, name: 'clientSecret' });
  const callbackParameters = oauth.validateAuthResponse(
    server,
    client,
    new URLSearchParams({ code: requireString({ value: options.code, name: 'code' }) }),
    oauth.skipStateCheck,
  );
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(
      server,
      client,
      oauth.ClientSecretPost(clientSecret),
      callbackParameters,
      options.redirectUri,
      requireString({ value: options.codeVerifier, name: 'codeVerifier' }),
      googleTokenRequestOptions({ endpoint, fetch: options.fetch, signal: options.signal }),
    );
  } catch (error) {
    throw toGoogleTransportError({ error, step });
  }
  if (!response.ok) throw await readGoogleErrorResponse({ response, step });
  const result = await processGoogleTokenResponse({ server, client, response, step });
  if (result.refresh_token == null) {
    throw new GoogleOAuthError({
      kind: 'protocol',
      step,
      message: 'Google returned no refresh_token (the authorize URL must carry access_type=offline and prompt=consent)',
    });
  }
  const scopes = readGrantedScopes(result);
  const missing = (options.requiredScopes ?? []).filter((scope) => !scopes.includes(scope));
  if (missing.length > 0) {
    throw new GoogleOAuthError({
      kind: 'access_denied',
      step,
      message: `the Google account did not grant ${missing.join(', ')}`,
    });
  }
  return {
    accessToken: result.access_token,
    refreshToken: result.refresh_token,
    idToken: result.id_token,
    expiresInSeconds: result.expires_in,
    scopes,
  };
}
