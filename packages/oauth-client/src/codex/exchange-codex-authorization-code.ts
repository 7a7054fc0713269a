import * as oauth from 'oauth4webapi';
import { codexAuthorizationServer, oauthRequestOptions } from './codex-authorization-server.ts';
import type { CodexEndpointOptions } from './codex-endpoint-options.ts';
import { codexIdentityHeaders, requestSignal } from './codex-endpoint-options.ts';
import { CODEX_CLIENT_ID } from './codex-oauth-constants.ts';
import { CodexOAuthError } from './codex-oauth-error.ts';
import type { CodexTokenSet } from './codex-token-set.ts';
import { readCodexErrorResponse } from './read-codex-error-response.ts';
import { readCodexTokenAnswer } from './read-codex-token-answer.ts';
import { toTransportError } from './to-transport-error.ts';

/**
 * Exchanges an authorization code (browser, pasted or device flow) for tokens. oauth4webapi builds the standard
 * request (form body, PKCE verifier); the answer is read as the official client reads it, which requires the three
 * tokens and checks nothing of the id_token but that it is there (see readCodexTokenAnswer for why not
 * oauth4webapi's OIDC checks: they refuse the real server's answers behind any URL but auth.openai.com itself).
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
      oauthRequestOptions({
        baseUrl: options.baseUrl,
        fetch: options.fetch,
        signal: requestSignal(options.signal),
        headers: codexIdentityHeaders(options.identity),
      }),
    );
  } catch (error) {
    throw toTransportError(error);
  }
  if (!response.ok) throw await readCodexErrorResponse(response);
  const { idToken, accessToken, refreshToken, expiresInSeconds } = await readCodexTokenAnswer(response);
  // The three tokens the official client requires of this answer (docs/codex-protocol.md §2.2).
  if (idToken == null || accessToken == null || refreshToken == null) {
    const missing = Object.entries({ id_token: idToken, access_token: accessToken, refresh_token: refreshToken })
      .filter(([, value]) => value == null)
      .map(([name]) => name);
    throw new CodexOAuthError({
      kind: 'protocol',
      status: response.status,
      message: `auth.openai.com sent a token answer without ${missing.join(', ')}`,
    });
  }
  return { idToken, accessToken, refreshToken, expiresInSeconds };
}
