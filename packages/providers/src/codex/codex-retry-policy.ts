import { UpstreamApiError } from '../errors/upstream-api-error.ts';
import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';

/** One retry of an upstream request before its first byte, as reported to `onRetry` (for the access log). */
export type UpstreamRetry = {
  /** 1 for the first retry. */
  attempt: number;
  /** How long we wait before sending again. */
  delayMs: number;
  /** What failed: the HTTP status, or the error code for a connection failure. */
  reason: string;
};

/**
 * The official client's retry policy for a model request that failed before any output (docs/codex-protocol.md
 * §7.1): up to 4 retries, exponential backoff from about 200 ms with jitter, a longer `Retry-After` honoured.
 */
export const CODEX_MAX_RETRIES = 4;
const BASE_DELAY_MS = 200;

const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
/** Error codes (or types) the backend uses for "busy, try again" whatever the status it comes with. */
const OVERLOADED_CODES: ReadonlySet<string> = new Set([
  'server_is_overloaded',
  'slow_down',
  'overloaded',
  'overloaded_error',
  'service_unavailable_error',
]);

/**
 * Whether a failure before the first byte is worth sending again: a 500/502/503/504, an "overloaded" answer, or a
 * connection that failed or was reset. Never a usage limit, a rate limit or another 4xx (they would only fail
 * again, or burn the user's quota), never a timeout (the client's time is already spent).
 */
export function isRetryableBeforeFirstByte(error: unknown): boolean {
  if (error instanceof UpstreamConnectionError) return true;
  if (!(error instanceof UpstreamApiError)) return false;
  if (RETRYABLE_STATUSES.has(error.statusCode)) return true;
  const body = error.cause as { error?: { code?: unknown; type?: unknown } | null } | null | undefined;
  const code = body?.error?.code;
  const type = body?.error?.type;
  return (
    error.statusCode !== 429 &&
    ((typeof code === 'string' && OVERLOADED_CODES.has(code)) ||
      (typeof type === 'string' && OVERLOADED_CODES.has(type)))
  );
}

/**
 * The wait before retry `attempt` (1-based): 200 ms, 400 ms, 800 ms, 1.6 s, each ±10 % so that clients that failed
 * together do not come back together; the upstream's own `Retry-After` when it asks for longer.
 */
export function retryDelayMs(options: { attempt: number; error: unknown; random?: () => number }): number {
  const random = options.random ?? Math.random;
  const backoff = BASE_DELAY_MS * 2 ** (options.attempt - 1) * (0.9 + 0.2 * random());
  const retryAfterSeconds = options.error instanceof UpstreamApiError ? options.error.retryAfterSeconds : undefined;
  return Math.round(Math.max(backoff, (retryAfterSeconds ?? 0) * 1000));
}

/** The short reason a retry is logged with. */
export function describeRetryReason(error: unknown): string {
  if (error instanceof UpstreamApiError) return `HTTP ${error.statusCode}`;
  if (error instanceof UpstreamConnectionError) return error.code;
  return 'unknown';
}
