import * as oauth from 'oauth4webapi';
import { codexAuthorizationServer, oauthRequestOptions } from './codex-authorization-server.ts';
import type { CodexEndpointOptions } from './codex-endpoint-options.ts';
import { requestSignal } from './codex-endpoint-options.ts';
import { CODEX_CLIENT_ID } from './codex-oauth-constants.ts';
import { CodexOAuthError } from './codex-oauth-error.ts';
import type { CodexTokenSet } from './codex-token-set.ts';
import { readCodexErrorResponse } from './read-codex-error-response.ts';
import { toTransportError } from './to-transport-error.ts';

/**
 * Uses a refresh token once. Refresh tokens rotate: the answer carries a new one and the old one is dead, so the
 * caller must persist the result before anything else uses it (codex-protocol.md §4.3). Failures come back as a
 * {@link CodexOAuthError} whose `isPermanent` says whether the user has to sign in again.
 *
 * The request is form-encoded (oauth4webapi's standard form); the server accepts form and JSON alike (§4.1).
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshCodexTokens(
  options: CodexEndpointOptions & { refreshToken: string; previousIdToken: string },
): Promise<CodexTokenSet> {
  const server = codexAuthorizationServer(options.baseUrl);
  const client: oauth.Client = { client_id: CODEX_CLIENT_ID };
  let response: Response;
  try {
    response = await oauth.refreshTokenGrantRequest(
      server,
      client,
      oauth.None(),
      options.refreshToken,
      oauthRequestOptions({ baseUrl: options.baseUrl, fetch: options.fetch, signal: requestSignal(options.signal) }),
    );
  } catch (error) {
    throw toTransportError(error);
  }
  if (!response.ok) throw await readCodexErrorResponse(response);
  try {
    const result = await oauth.processRefreshTokenResponse(server, client, response);
    return {
      // Codex overwrites only the fields present (§4.2); keep what the server did not resend.
      idToken: result.id_token ?? options.previousIdToken,
      accessToken: result.access_token,
      refreshToken: result.refresh_token ?? options.refreshToken,
      expiresInSeconds: result.expires_in,
    };
  } catch (error) {
    throw new CodexOAuthError({
      kind: 'protocol',
      message: `auth.openai.com sent a refresh answer we could not accept: ${(error as Error).message}`,
      cause: error,
    });
  }
}
