import type { GatewayErrorCode } from '@pag/contracts';
import { ProviderError } from '@pag/providers';
import { GatewayError } from './gateway-error.ts';

export type UpstreamErrorDescription = {
  code: GatewayErrorCode;
  message: string;
  retryAfterSeconds: number | undefined;
  /** When a usage limit resets: the body carries it next to `Retry-After`, for clients that schedule. */
  resetsAt?: Date | undefined;
  /** The technical account behind a plain message, when the error carries one. */
  details?: string | undefined;
};

/**
 * What a client is told about an upstream failure: one mapping from the providers' typed errors to our codes
 * (whose HTTP statuses live in the error table) with retry hints. Used for errors before the first byte (an HTTP
 * answer) and after it (a stream `error` event) alike. Returns null for anything that is not an upstream error.
 */
export function describeUpstreamError(error: unknown, now: number = Date.now()): UpstreamErrorDescription | null {
  if (error instanceof GatewayError) {
    return {
      code: error.code,
      message: error.message,
      retryAfterSeconds: error.retryAfterSeconds,
      ...(error.resetsAt == null ? {} : { resetsAt: error.resetsAt }),
      ...(error.details == null ? {} : { details: error.details }),
    };
  }
  // The outbound policy refuses a connection from inside the transport (domain/outbound/outbound-policy.ts), so its
  // error reaches us wrapped by fetch, the AI SDK and the adapter's connection error: its own words are the answer.
  const refusal = findRefusal(error);
  if (refusal != null) return { code: refusal.code, message: refusal.message, retryAfterSeconds: undefined };
  if (!(error instanceof ProviderError)) return null;
  const withRetry = (seconds: number | undefined) => (seconds == null ? undefined : Math.max(1, Math.ceil(seconds)));
  switch (error.code) {
    case 'usage_limit_reached': {
      const retryAfterSeconds = withRetry(
        error.resetsAt != null ? (error.resetsAt.getTime() - now) / 1000 : error.retryAfterSeconds,
      );
      const resetsAt =
        error.resetsAt ?? (retryAfterSeconds == null ? undefined : new Date(now + retryAfterSeconds * 1000));
      const plan = error.planType == null ? '' : ` (${error.planType} plan)`;
      // A wait in words and the time in UTC (the server does not know the reader's zone; the settings UI shows
      // `resetsAt` in the user's own), never an ISO timestamp in the sentence (issue 17).
      const when =
        resetsAt == null || retryAfterSeconds == null
          ? ' Try again later.'
          : ` It resets in ${formatWait(retryAfterSeconds)} (${formatUtc(resetsAt)}).`;
      return {
        code: 'usage_limit_reached',
        message: `Your ChatGPT usage limit is reached${plan}.${when}`,
        retryAfterSeconds,
        ...(resetsAt == null ? {} : { resetsAt }),
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

/** A wait in words, to the unit a person plans with: `45 s`, `12 min`, `2 h 30 min`, `3 d 4 h`. */
export function formatWait(seconds: number): string {
  const total = Math.max(0, Math.ceil(seconds));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return `${minutes} min`;
  return `${total} s`;
}

/** `2026-12-06 16:56 UTC`. */
function formatUtc(date: Date): string {
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
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
