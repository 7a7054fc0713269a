import type { CodexEndpointOptions } from './codex-endpoint-options.ts';
import { codexJsonHeaders, normaliseBaseUrl, requestSignal } from './codex-endpoint-options.ts';
import { CODEX_CLIENT_ID } from './codex-oauth-constants.ts';
import { CodexOAuthError } from './codex-oauth-error.ts';
import type { CodexTokenSet } from './codex-token-set.ts';
import { readCodexErrorResponse } from './read-codex-error-response.ts';
import { readCodexTokenAnswer } from './read-codex-token-answer.ts';
import { toTransportError } from './to-transport-error.ts';

/**
 * Why the official client refreshes (docs/codex-protocol.md §10): the access token is about to expire, or the
 * backend has just answered 401 to it.
 */
export type CodexRefreshReason = 'proactive_expiry' | 'unauthorized_recovery';

export type RefreshCodexTokensOptions = CodexEndpointOptions & {
  refreshToken: string;
  /** Kept when the answer carries no id_token: only the fields present overwrite (docs/codex-protocol.md §4.2). */
  previousIdToken: string;
  /** Default `proactive_expiry`. */
  refreshReason?: CodexRefreshReason;
  /**
   * Called with the new refresh token as soon as the answer is known to carry one, before anything else about the
   * answer is checked. From that moment the old refresh token is dead (rotation, §4.3), so the caller must store
   * the new one here: if the rest of the answer is then refused, the new token is the only one left that works.
   * Awaited; a throw from it fails the refresh.
   */
  onRefreshTokenRotated?: (refreshToken: string) => void | Promise<void>;
};

/**
 * Uses a refresh token once. Refresh tokens rotate: the answer carries a new one and the old one is dead, so the
 * caller must persist the result before anything else uses it (docs/codex-protocol.md §4.3), and the new refresh
 * token even before the answer is accepted (`onRefreshTokenRotated`). Failures come back as a
 * {@link CodexOAuthError} whose `isPermanent` says whether the user has to sign in again.
 *
 * Sent as the newest official client sends it, JSON with a `refresh_reason` (§4.1, §10); the answer is read as it
 * reads it (readCodexTokenAnswer): each field optional, only the present ones overwrite (§4.2). The access token is
 * the exception: without one this refresh gave us nothing to call the backend with, so it counts as failed.
 *
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshCodexTokens(options: RefreshCodexTokensOptions): Promise<CodexTokenSet> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`${normaliseBaseUrl(options.baseUrl)}/oauth/token`, {
      method: 'POST',
      headers: codexJsonHeaders(options.identity),
      body: JSON.stringify({
        client_id: CODEX_CLIENT_ID,
        grant_type: 'refresh_token',
        refresh_token: options.refreshToken,
        refresh_reason: options.refreshReason ?? 'proactive_expiry',
      }),
      signal: requestSignal(options.signal),
    });
  } catch (error) {
    throw toTransportError(error);
  }
  if (!response.ok) throw await readCodexErrorResponse(response);
  const answer = await readCodexTokenAnswer(response);
  if (answer.refreshToken != null && answer.refreshToken !== options.refreshToken) {
    await options.onRefreshTokenRotated?.(answer.refreshToken);
  }
  if (answer.accessToken == null) {
    throw new CodexOAuthError({
      kind: 'protocol',
      status: response.status,
      message: 'auth.openai.com sent a refresh answer without an access_token',
    });
  }
  return {
    idToken: answer.idToken ?? options.previousIdToken,
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken ?? options.refreshToken,
    expiresInSeconds: answer.expiresInSeconds,
  };
}
