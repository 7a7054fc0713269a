import * as oauth from 'oauth4webapi';
import type { GoogleRequestOptions } from './google-endpoint.ts';
import {
  googleAuthorizationServer,
  googleTokenRequestOptions,
  parseGoogleUrl,
  requireString,
} from './google-endpoint.ts';
import type { GoogleTokenSet } from './google-token-set.ts';
import { processGoogleTokenResponse, readGrantedScopes } from './process-google-token-response.ts';
import { readGoogleErrorResponse } from './read-google-error-response.ts';
import { toGoogleTransportError } from './to-google-transport-error.ts';

export type RefreshGoogleTokensOptions = GoogleRequestOptions & {
  /** `GATEWAY_GOOGLE_TOKEN_URL`, normally `https://oauth2.googleapis.com/token`. */
  tokenEndpoint: string;
  clientId: string;
  /** Required by Google for refresh as well (docs/google-protocol.md §1.4, §5.4 item 10). */
  clientSecret: string;
  refreshToken: string;
  /** Expected id_token `iss`; Google's by default. */
  issuer?: string;
};

/**
 * Gets a new access token. Google does not rotate refresh tokens: the answer normally has none and the old one stays
 * valid; if one does come back it replaces the old (docs/google-protocol.md §1.4). A refused token is `invalid_grant`
 * with `isPermanent` true: the user must connect the account again. Same client authentication as the exchange.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshGoogleTokens(options: RefreshGoogleTokensOptions): Promise<GoogleTokenSet> {
  const step = 'refresh';
  const endpoint = parseGoogleUrl({ value: options.tokenEndpoint, name: 'tokenEndpoint' });
  const server = googleAuthorizationServer({ tokenEndpoint: endpoint, issuer: options.issuer });
  const client: oauth.Client = { client_id: requireString({ value: options.clientId, name: 'clientId' }) };
  const clientSecret = requireString({ value: options.clientSecret, name: 'clientSecret' });
  const refreshToken = requireString({ value: options.refreshToken, name: 'refreshToken' });
  let response: Response;
  try {
    response = await oauth.refreshTokenGrantRequest(
      server,
      client,
      oauth.ClientSecretPost(clientSecret),
      refreshToken,
      googleTokenRequestOptions({ endpoint, fetch: options.fetch, signal: options.signal }),
    );
  } catch (error) {
    throw toGoogleTransportError({ error, step });
  }
  if (!response.ok) throw await readGoogleErrorResponse({ response, step });
  const result = await processGoogleTokenResponse({ server, client, response, step });
  return {
    accessToken: result.access_token,
    refreshToken: result.refresh_token ?? refreshToken,
    idToken: result.id_token,
    expiresInSeconds: result.expires_in,
    scopes: readGrantedScopes(result),
  };
}
