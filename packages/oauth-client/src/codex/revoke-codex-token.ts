import type { CodexEndpointOptions } from './codex-endpoint-options.ts';
import { codexJsonHeaders, normaliseBaseUrl, requestSignal } from './codex-endpoint-options.ts';
import { CODEX_CLIENT_ID } from './codex-oauth-constants.ts';
import { readCodexErrorResponse } from './read-codex-error-response.ts';
import { toTransportError } from './to-transport-error.ts';

/**
 * Revokes a refresh token (and with it the token family). Hand-written rather than oauth4webapi's `revocationRequest`
 * because auth.openai.com takes a JSON body here, as the official client sends it (docs/codex-protocol.md §4.6).
 *
 * @see https://www.rfc-editor.org/rfc/rfc7009#section-2.1
 */
export async function revokeCodexToken(options: CodexEndpointOptions & { refreshToken: string }): Promise<void> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`${normaliseBaseUrl(options.baseUrl)}/oauth/revoke`, {
      method: 'POST',
      headers: codexJsonHeaders(options.identity),
      body: JSON.stringify({
        token: options.refreshToken,
        token_type_hint: 'refresh_token',
        client_id: CODEX_CLIENT_ID,
      }),
      signal: requestSignal(options.signal),
    });
  } catch (error) {
    throw toTransportError(error);
  }
  if (!response.ok) throw await readCodexErrorResponse(response);
  await response.body?.cancel();
}
