import type { UpstreamResponse } from '../common/post-upstream.ts';
import type { CodexChatModelSettings } from './codex-options.ts';
import { sendCodexRequest } from './send-codex-request.ts';

/**
 * Sends an already-shaped Responses body to the Codex backend and returns its 2xx SSE response unread, for
 * callers that relay the upstream event stream as is (`/v1/responses`). Same headers, 401 refresh-and-retry and
 * typed errors as the chat model; the body is the caller's to make acceptable (store:false, stream:true, …).
 */
export async function forwardCodexResponses(options: {
  settings: CodexChatModelSettings;
  body: Record<string, unknown>;
  abortSignal?: AbortSignal | undefined;
}): Promise<UpstreamResponse> {
  const url = `${options.settings.baseUrl.replace(/\/+$/, '')}/codex/responses`;
  const { response } = await sendCodexRequest({
    settings: options.settings,
    url,
    body: options.body,
    headers: undefined,
    abortSignal: options.abortSignal,
  });
  return response;
}
