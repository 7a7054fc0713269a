import { postUpstream, type UpstreamResponse } from '../shared/post-upstream.ts';
import type { RateLimitSnapshot } from '../shared/rate-limit-snapshot.ts';
import { toTransportError } from '../shared/to-transport-error.ts';
import { toCodexProviderError } from './codex-error.ts';
import type { CodexChatModelSettings, CodexCredentials } from './codex-options.ts';
import { parseCodexRateLimits } from './parse-codex-rate-limits.ts';

/**
 * POSTs a Responses request to the Codex backend and returns the 2xx response whose body is the SSE stream.
 * A 401 gets one credential refresh (`getCredentials({ rejectedAccessToken })`) and one retry: nothing has reached
 * the client yet, so this is safe. Any other non-2xx answer is thrown as our error class.
 */
export async function sendCodexRequest(options: {
  settings: CodexChatModelSettings;
  url: string;
  body: Record<string, unknown>;
  headers: Record<string, string | undefined> | undefined;
  abortSignal: AbortSignal | undefined;
}): Promise<{ response: UpstreamResponse; rateLimits: RateLimitSnapshot | undefined }> {
  const { settings, url } = options;
  const payload = JSON.stringify(options.body);

  const post = async (credentials: CodexCredentials) => {
    let response: UpstreamResponse;
    try {
      response = await postUpstream({
        url,
        headers: buildHeaders(settings, credentials, options.headers),
        body: payload,
        abortSignal: options.abortSignal,
        fetch: settings.fetch,
      });
    } catch (error) {
      throw toTransportError(error, url);
    }
    const rateLimits = parseCodexRateLimits(response.headers);
    if (rateLimits != null) settings.onRateLimits?.(rateLimits);
    return { response, rateLimits };
  };

  const credentials = await settings.getCredentials({});
  let result = await post(credentials);
  if (result.response.status === 401) {
    // Not awaited: cancelling resolves only once the body's source lets go, which is not ours to wait for.
    result.response.body.cancel().catch(() => {});
    const refreshed = await settings.getCredentials({ rejectedAccessToken: credentials.accessToken });
    result = await post(refreshed);
  }

  const { response, rateLimits } = result;
  if (response.status < 200 || response.status >= 300) {
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
  }
  return result;
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
