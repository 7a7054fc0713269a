import type { GatewayErrorCode } from '@pag/contracts';
import { ProviderError } from '@pag/providers';
import { GatewayError } from './gateway-error.ts';

export type UpstreamErrorDescription = {
  code: GatewayErrorCode;
  message: string;
  retryAfterSeconds: number | undefined;
};

/**
 * What a client is told about an upstream failure: one mapping from the providers' typed errors to our codes
 * (whose HTTP statuses live in the error table) with retry hints. Used for errors before the first byte (an HTTP
 * answer) and after it (a stream `error` event) alike. Returns null for anything that is not an upstream error.
 */
export function describeUpstreamError(error: unknown, now: number = Date.now()): UpstreamErrorDescription | null {
  if (error instanceof GatewayError) {
    return { code: error.code, message: error.message, retryAfterSeconds: error.retryAfterSeconds };
  }
  // The outbound policy refuses a connection from inside the transport (domain/outbound/outbound-policy.ts), so its
  // error reaches us wrapped by fetch, the AI SDK and the adapter's connection error: its own words are the answer.
  const refusal = findRefusal(error);
  if (refusal != null) return { code: refusal.code, message: refusal.message, retryAfterSeconds: undefined };
  if (!(error instanceof ProviderError)) return null;
  const withRetry = (seconds: number | undefined) => (seconds == null ? undefined : Math.max(1, Math.ceil(seconds)));
  switch (error.code) {
    case 'usage_limit_reached': {
      const resetsAt = error.resetsAt;
      const retryAfterSeconds = withRetry(
        resetsAt != null ? (resetsAt.getTime() - now) / 1000 : error.retryAfterSeconds,
      );
      const plan = error.planType == null ? '' : ` (${error.planType} plan)`;
      const when = resetsAt == null ? '' : ` It resets at ${resetsAt.toISOString()}.`;
      return {
        code: 'usage_limit_reached',
        message: `The ChatGPT subscription's usage limit is reached${plan}.${when}`,
        retryAfterSeconds,
      };
    }
    case 'quota_exceeded':
      return {
        code: 'usage_limit_reached',
        message: `The upstream quota is used up: ${error.message}`,
        retryAfterSeconds: withRetry(error.retryAfterSeconds),
      };
    case 'reconnect_required':
      return { code: 'reconnect_required', message: error.message, retryAfterSeconds: undefined };
    case 'invalid_request':
      return {
        code: 'invalid_request',
        message: `The upstream refused the request: ${error.message}`,
        retryAfterSeconds: undefined,
      };
    case 'upstream_api_error': {
      if (error.statusCode === 429) {
        return {
          code: 'rate_limited',
          message: `The upstream is rate limiting: ${error.message}`,
          retryAfterSeconds: withRetry(error.retryAfterSeconds) ?? 10,
        };
      }
      if (error.statusCode >= 500 || error.isRetryable) {
        return {
          code: 'upstream_unavailable',
          message: `The upstream failed (${error.statusCode}): ${error.message}`,
          retryAfterSeconds: withRetry(error.retryAfterSeconds) ?? 5,
        };
      }
      return {
        code: 'upstream_error',
        message: `The upstream answered ${error.statusCode}: ${error.message}`,
        retryAfterSeconds: undefined,
      };
    }
    case 'upstream_timeout':
      return { code: 'upstream_timeout', message: error.message, retryAfterSeconds: 5 };
    case 'upstream_connection_failed':
    case 'upstream_protocol_error':
      return { code: 'upstream_unavailable', message: error.message, retryAfterSeconds: 5 };
    default:
      error satisfies never;
      return null;
  }
}

/**
 * Whether a failure of the subscription step lets the router try the API-key fallback: the subscription is
 * limited, rate limited, unavailable (timed out included) or needs reconnecting. Invalid requests are not retried elsewhere.
 */
export function isFallbackWorthy(error: unknown): boolean {
  const description = describeUpstreamError(error);
  if (description == null) return false;
  return [
    'usage_limit_reached',
    'rate_limited',
    'upstream_unavailable',
    'upstream_timeout',
    'reconnect_required',
    'not_connected',
  ].includes(description.code);
}

/** How deep a refusal may sit in a chain of causes (the AI SDK path wraps it three times). */
const MAX_CAUSE_DEPTH = 8;

/** The outbound policy's refusal among an error's causes (and an `AggregateError`'s errors), if it is there. */
function findRefusal(error: unknown, depth = 0): GatewayError | null {
  if (depth > MAX_CAUSE_DEPTH || !(error instanceof Error)) return null;
  if (error instanceof GatewayError) return error.code === 'upstream_address_refused' ? error : null;
  const nested = error instanceof AggregateError ? [...error.errors, error.cause] : [error.cause];
  for (const candidate of nested) {
    const found = findRefusal(candidate, depth + 1);
    if (found != null) return found;
  }
  return null;
}
