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
 * Exchanges an authorization code (browser, pasted or device flow) for tokens, with oauth4webapi doing the
 * standard request and response checks (token type, id_token issuer/audience/expiry).
 *
 * The caller must already have checked `state` against the one it stored, in constant time: this function only
 * sees the code, so it tells oauth4webapi to skip its own state check.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3
 */
export async function exchangeCodexAuthorizationCode(
  options: CodexEndpointOptions & { code: string; redirectUri: string; codeVerifier: string },
): Promise<CodexTokenSet> {
  const server = codexAuthorizationServer(options.baseUrl);
  const client: oauth.Client = { client_id: CODEX_CLIENT_ID };
  const callbackParameters = oauth.validateAuthResponse(
    server,
    client,
    new URLSearchParams({ code: options.code }),
    oauth.skipStateCheck,
  );
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(
      server,
      client,
      oauth.None(),
      callbackParameters,
      options.redirectUri,
      options.codeVerifier,
      oauthRequestOptions({ baseUrl: options.baseUrl, fetch: options.fetch, signal: requestSignal(options.signal) }),
    );
  } catch (error) {
    throw toTransportError(error);
  }
  if (!response.ok) throw await readCodexErrorResponse(response);
  try {
    const result = await oauth.processAuthorizationCodeResponse(server, client, response, { requireIdToken: true });
    if (result.id_token == null || result.refresh_token == null) {
      throw new CodexOAuthError({ kind: 'protocol', message: 'auth.openai.com returned no id_token or refresh_token' });
    }
    return {
      idToken: result.id_token,
      accessToken: result.access_token,
      refreshToken: result.refresh_token,
      expiresInSeconds: result.expires_in,
    };
  } catch (error) {
    if (error instanceof CodexOAuthError) throw error;
    throw new CodexOAuthError({
      kind: 'protocol',
      message: `auth.openai.com sent a token answer we could not accept: ${(error as Error).message}`,
      cause: error,
    });
  }
}
