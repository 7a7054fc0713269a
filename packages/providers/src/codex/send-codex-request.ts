import { setTimeout as sleep } from 'node:timers/promises';
import { postUpstream, type UpstreamResponse } from '../common/post-upstream.ts';
import type { RateLimitSnapshot } from '../common/rate-limit-snapshot.ts';
import { toTransportError } from '../common/to-transport-error.ts';
import { UpstreamTimeoutError } from '../errors/upstream-timeout-error.ts';
import { toCodexProviderError } from './codex-error.ts';
import type { CodexChatModelSettings, CodexCredentials } from './codex-options.ts';
import {
  CODEX_MAX_RETRIES,
  describeRetryReason,
  isRetryableBeforeFirstByte,
  retryDelayMs,
} from './codex-retry-policy.ts';
import { parseCodexRateLimits } from './parse-codex-rate-limits.ts';

const DEFAULT_FIRST_BYTE_TIMEOUT_MS = 120_000;

type Sent = { response: UpstreamResponse; rateLimits: RateLimitSnapshot | undefined };

/**
 * POSTs a Responses request to the Codex backend and returns the 2xx response whose body is the SSE stream.
 * Nothing has reached the client while this runs, so two things are safe here and nowhere later:
 * - a 401 gets one credential refresh (`getCredentials({ rejectedAccessToken })`) and one retry;
 * - a failure the official client retries (5xx, overloaded, connection reset) is sent again with backoff
 *   (docs/codex-protocol.md §7.1), within `firstByteTimeoutMs` from the start.
 * Any other non-2xx answer is thrown as our error class.
 */
export async function sendCodexRequest(options: {
  settings: CodexChatModelSettings;
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string | undefined> | undefined;
  abortSignal: AbortSignal | undefined;
}): Promise<Sent> {
  const { settings, url, abortSignal } = options;
  const payload = JSON.stringify(options.body);
  const deadline = performance.now() + (settings.firstByteTimeoutMs ?? DEFAULT_FIRST_BYTE_TIMEOUT_MS);

  const post = async (credentials: CodexCredentials): Promise<Sent> => {
    const response = await postBeforeDeadline({
      url,
      headers: buildHeaders(settings, credentials, options.headers),
      body: payload,
      abortSignal,
      fetch: settings.fetch,
      deadline,
    });
    const rateLimits = parseCodexRateLimits(response.headers);
    if (rateLimits != null) settings.onRateLimits?.(rateLimits);
    return { response, rateLimits };
  };

  /** One authorised attempt: the request, and after a 401 one refresh and the same request again. */
  const attempt = async (): Promise<Sent> => {
    const credentials = await settings.getCredentials({});
    let sent = await post(credentials);
    if (sent.response.status === 401) {
      // Not awaited: cancelling resolves only once the body's source lets go, which is not ours to wait for.
      sent.response.body.cancel().catch(() => {});
      const refreshed = await settings.getCredentials({ rejectedAccessToken: credentials.accessToken });
      sent = await post(refreshed);
    }
    const { response, rateLimits } = sent;
    if (response.status >= 200 && response.status < 300) return sent;
    let responseBody = '';
    try {
      responseBody = await response.text();
    } catch (error) {
      throw toTransportError(error, url);
    }
    throw toCodexProviderError({
      url,
      statusCode: response.status,
      responseBody,
      responseHeaders: response.headers,
      rateLimits,
    });
  };

  for (let retry = 1; ; retry += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (retry > CODEX_MAX_RETRIES || !isRetryableBeforeFirstByte(error) || abortSignal?.aborted === true) {
        throw error;
      }
      const delayMs = retryDelayMs({ attempt: retry, error });
      // A retry that could not even start before the deadline only makes the client wait for the same error.
      if (performance.now() + delayMs >= deadline) throw error;
      settings.onRetry?.({ attempt: retry, delayMs, reason: describeRetryReason(error) });
      try {
        await sleep(delayMs, undefined, abortSignal == null ? undefined : { signal: abortSignal });
      } catch {
        throw error;
      }
    }
  }
}

/**
 * `postUpstream` with the request's deadline on the wait for response headers only: a timer aborts the attempt if
 * headers have not come by then, and is cleared once they have, so the stream that follows is never cut by it (it
 * has its own idle limit). The client's abort still reaches the request at any time.
 */
async function postBeforeDeadline(options: {
  url: string;
  headers: Record<string, string>;
  body: string;
  abortSignal: AbortSignal | undefined;
  fetch: CodexChatModelSettings['fetch'];
  deadline: number;
}): Promise<UpstreamResponse> {
  const { url, abortSignal } = options;
  const controller = new AbortController();
  if (abortSignal != null) {
    if (abortSignal.aborted) controller.abort(abortSignal.reason);
    else abortSignal.addEventListener('abort', () => controller.abort(abortSignal.reason), { once: true });
  }
  let hasTimedOut = false;
  const timer = setTimeout(
    () => {
      hasTimedOut = true;
      controller.abort(new DOMException('The upstream did not answer in time', 'TimeoutError'));
    },
    Math.max(0, options.deadline - performance.now()),
  );
  try {
    return await postUpstream({
      url,
      headers: options.headers,
      body: options.body,
      abortSignal: controller.signal,
      fetch: options.fetch,
    });
  } catch (error) {
    if (hasTimedOut) {
      throw new UpstreamTimeoutError({
        message: `${new URL(url).host} did not start answering in time`,
        url,
        cause: error,
      });
    }
    throw toTransportError(error, url);
  } finally {
    clearTimeout(timer);
  }
}

function buildHeaders(
  settings: CodexChatModelSettings,
  credentials: CodexCredentials,
  extra: Record<string, string | undefined> | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    authorization: `Bearer ${credentials.accessToken}`,
    'chatgpt-account-id': credentials.accountId,
    'content-type': 'application/json',
    accept: 'text/event-stream',
    originator: settings.originator,
    'user-agent': settings.userAgent,
    // Newest Codex (0.169) names the conversation twice; keep both equal to prompt_cache_key for cache hits.
    'session-id': settings.conversationId,
    'thread-id': settings.conversationId,
  };
  for (const [name, value] of Object.entries(extra ?? {})) {
    if (value != null) headers[name.toLowerCase()] = value;
  }
  return headers;
}
