import type { OutgoingHttpHeaders } from 'node:http';

/**
 * Headers api.openai.com puts on every model answer; gateways read the `x-ratelimit-*` set to pace themselves.
 * A rate-limited answer reports nothing remaining and when the window resets.
 */
export function buildOpenAiResponseHeaders(options: { isRateLimited?: boolean; retryAfterSeconds?: number } = {}) {
  const reset = `${options.retryAfterSeconds ?? 1}s`;
  const headers: OutgoingHttpHeaders = {
    'openai-processing-ms': '1',
    'openai-version': '2020-10-01',
    'x-ratelimit-limit-requests': '500',
    'x-ratelimit-limit-tokens': '200000',
    'x-ratelimit-remaining-requests': options.isRateLimited ? '0' : '499',
    'x-ratelimit-remaining-tokens': options.isRateLimited ? '0' : '199000',
    'x-ratelimit-reset-requests': options.isRateLimited ? reset : '120ms',
    'x-ratelimit-reset-tokens': options.isRateLimited ? reset : '300ms',
  };
  if (options.isRateLimited) headers['retry-after'] = String(options.retryAfterSeconds ?? 1);
  return headers;
}
