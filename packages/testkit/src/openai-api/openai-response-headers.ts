import type { OutgoingHttpHeaders } from 'node:http';

/**
 * Headers api.openai.com puts on every model answer; gateways read the `x-ratelimit-*` set to pace themselves. A
 * rate-limited answer reports nothing remaining and a reset in one second.
 */
export function buildOpenAiResponseHeaders(isRateLimited = false): OutgoingHttpHeaders {
  return {
    'openai-processing-ms': '1',
    'openai-version': '2020-10-01',
    'x-ratelimit-limit-requests': '500',
    'x-ratelimit-limit-tokens': '200000',
    'x-ratelimit-remaining-requests': isRateLimited ? '0' : '499',
    'x-ratelimit-remaining-tokens': isRateLimited ? '0' : '199000',
    'x-ratelimit-reset-requests': isRateLimited ? '1s' : '120ms',
    'x-ratelimit-reset-tokens': isRateLimited ? '1s' : '300ms',
    ...(isRateLimited ? { 'retry-after': '1' } : {}),
  };
}
