import type { CodexEndpointOptions } from './codex-endpoint-options.ts';
import { codexJsonHeaders, normaliseBaseUrl, requestSignal } from './codex-endpoint-options.ts';
import { CodexOAuthError } from './codex-oauth-error.ts';
import { readCodexErrorResponse } from './read-codex-error-response.ts';
import { toTransportError } from './to-transport-error.ts';

export type CodexDevicePollResult =
  | { status: 'pending' }
  | { status: 'denied'; message: string }
  | { status: 'approved'; authorizationCode: string; codeVerifier: string };

/**
 * Asks once whether the user approved the device code. 403 and 404 mean "not yet" (docs/codex-protocol.md §1.6). On
 * approval the server hands back an authorization code together with the PKCE verifier it generated, to be exchanged
 * with the device callback as redirect URI ({@link codexDeviceRedirectUri}).
 */
export async function pollCodexDeviceToken(
  options: CodexEndpointOptions & { deviceAuthId: string; userCode: string },
): Promise<CodexDevicePollResult> {
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`${normaliseBaseUrl(options.baseUrl)}/api/accounts/deviceauth/token`, {
      method: 'POST',
      headers: codexJsonHeaders(options.identity),
      body: JSON.stringify({ device_auth_id: options.deviceAuthId, user_code: options.userCode }),
      signal: requestSignal(options.signal),
    });
  } catch (error) {
    throw toTransportError(error);
  }
  if (response.status === 403 || response.status === 404) {
    await response.body?.cancel();
    return { status: 'pending' };
  }
  if (!response.ok) {
    const error = await readCodexErrorResponse(response);
    if (error.kind === 'access_denied' || error.upstreamCode === 'authorization_declined') {
      return { status: 'denied', message: 'The sign-in was declined.' };
    }
    throw error;
  }
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  const authorizationCode = body?.authorization_code;
  const codeVerifier = body?.code_verifier;
  if (typeof authorizationCode !== 'string' || typeof codeVerifier !== 'string') {
    throw new CodexOAuthError({
      kind: 'protocol',
      message: 'the device-token answer has no authorization_code or code_verifier',
    });
  }
  return { status: 'approved', authorizationCode, codeVerifier };
}

/** The redirect URI a device-flow code is bound to. */
export function codexDeviceRedirectUri(baseUrl: string): string {
  return `${normaliseBaseUrl(baseUrl)}/deviceauth/callback`;
}
