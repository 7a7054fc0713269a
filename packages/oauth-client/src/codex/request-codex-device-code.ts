import type { CodexEndpointOptions } from './codex-endpoint-options.ts';
import { codexJsonHeaders, normaliseBaseUrl, requestSignal } from './codex-endpoint-options.ts';
import { CODEX_CLIENT_ID } from './codex-oauth-constants.ts';
import { CodexOAuthError } from './codex-oauth-error.ts';
import { readCodexErrorResponse } from './read-codex-error-response.ts';
import { toTransportError } from './to-transport-error.ts';

export type CodexDeviceCode = {
  deviceAuthId: string;
  userCode: string;
  /** How often to poll. The server sends it as a string ("5"); 5 s when absent or unreadable. */
  intervalSeconds: number;
  /** Where the user types the code. */
  verificationUrl: string;
};

/**
 * Starts a device-code sign-in. Not RFC 8628: OpenAI's own endpoints and field names, hand-written from the
 * official client's behaviour (docs/codex-protocol.md §1.6). A 404 means device sign-in is not enabled.
 */
export async function requestCodexDeviceCode(options: CodexEndpointOptions): Promise<CodexDeviceCode> {
  const base = normaliseBaseUrl(options.baseUrl);
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(`${base}/api/accounts/deviceauth/usercode`, {
      method: 'POST',
      headers: codexJsonHeaders(options.identity),
      body: JSON.stringify({ client_id: CODEX_CLIENT_ID }),
      signal: requestSignal(options.signal),
    });
  } catch (error) {
    throw toTransportError(error);
  }
  if (response.status === 404) {
    await response.body?.cancel();
    throw new CodexOAuthError({
      kind: 'device_code_disabled',
      status: 404,
      message: 'device-code sign-in is not enabled on this auth server',
    });
  }
  if (!response.ok) throw await readCodexErrorResponse(response);
  const body = (await response.json().catch(() => null)) as Record<string, unknown> | null;
  const deviceAuthId = body?.device_auth_id;
  const userCode = body?.user_code ?? body?.usercode;
  if (typeof deviceAuthId !== 'string' || typeof userCode !== 'string' || deviceAuthId === '' || userCode === '') {
    throw new CodexOAuthError({
      kind: 'protocol',
      message: 'the device-code answer has no device_auth_id or user_code',
    });
  }
  const interval = Number(body?.interval);
  return {
    deviceAuthId,
    userCode,
    intervalSeconds: Number.isFinite(interval) && interval >= 1 && interval <= 60 ? interval : 5,
    verificationUrl: `${base}/codex/device`,
  };
}
