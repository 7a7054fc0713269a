import type { CodexChatModelSettings } from './codex-options.ts';
import { sendCodexRequest } from './send-codex-request.ts';

/**
 * Sends an already-shaped Responses body to the Codex backend and returns its 2xx SSE response untouched, for
 * callers that relay the upstream event stream as is (`/v1/responses`). Same headers, 401 refresh-and-retry and
 * typed errors as the chat model; the body is the caller's to make acceptable (store:false, stream:true, …).
 */
export async function forwardCodexResponses(options: {
  settings: CodexChatModelSettings;
  body: Record<string, unknown>;
  abortSignal?: AbortSignal | undefined;
}): Promise<Response> {
  const url = `${options.settings.baseUrl.replace(/\/+$/, '')}/codex/responses`;
  const { response } = await sendCodexRequest({
    settings: options.settings,
    url,
    body: options.body,
    headers: undefined,
    abortSignal: options.abortSignal,
  });
  // Callers relay or collect it as a web stream (the `/v1/responses` pass-through), read as the upstream sends it.
  const body = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      const next = await response.body.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    cancel: (reason) => response.body.cancel(reason),
  });
  return new Response(body, { status: response.status, headers: response.headers });
}
