import * as oauth from 'oauth4webapi';
import { GOOGLE_ISSUER } from './google-oauth-constants.ts';
import type { GoogleOAuthStep } from './google-oauth-error.ts';
import { GoogleOAuthError } from './google-oauth-error.ts';

/**
 * Google documents both `https://accounts.google.com` and the bare `accounts.google.com` as the `iss` of its
 * id_tokens (developers.google.com/identity/openid-connect/openid-connect, "Validating an ID token").
 */
const LEGACY_GOOGLE_ISSUER = 'accounts.google.com';

/**
 * Lets oauth4webapi check a 200 token answer (token type, `expires_in`, and for an id_token its `iss`, `aud`,
 * `exp`, `iat`), accepting Google's bare-host issuer as an equal of the https one.
 */
export async function processGoogleTokenResponse(options: {
  server: oauth.AuthorizationServer;
  client: oauth.Client;
  response: Response;
  step: Extract<GoogleOAuthStep, 'token_exchange' | 'refresh'>;
}): Promise<oauth.TokenEndpointResponse> {
  const { client, step } = options;
  const process = (server: oauth.AuthorizationServer, response: Response) =>
    step === 'token_exchange'
      ? oauth.processAuthorizationCodeResponse(server, client, response)
      : oauth.processRefreshTokenResponse(server, client, response);
  const spare = options.response.clone();
  try {
    try {
      return await process(options.server, options.response);
    } catch (error) {
      if (options.server.issuer !== GOOGLE_ISSUER || !isLegacyIssuerMismatch(error)) throw error;
      return await process({ ...options.server, issuer: LEGACY_GOOGLE_ISSUER }, spare);
    }
  } catch (error) {
    throw new GoogleOAuthError({
      kind: 'protocol',
      step,
      message: `Google sent a token answer we could not accept: ${(error as Error).message}`,
      cause: error,
    });
  }
}

function isLegacyIssuerMismatch(error: unknown): boolean {
  if (!(error instanceof oauth.OperationProcessingError) || error.code !== oauth.JWT_CLAIM_COMPARISON) return false;
  const cause = error.cause as { claim?: unknown; claims?: { iss?: unknown } } | undefined;
  return cause?.claim === 'iss' && cause.claims?.iss === LEGACY_GOOGLE_ISSUER;
}

/** Google's `scope` answer, split; absent means the requested scopes, which the caller does not know here. */
export function readGrantedScopes(result: oauth.TokenEndpointResponse): string[] {
  return (result.scope ?? '').split(' ').filter((scope) => scope !== '');
}
