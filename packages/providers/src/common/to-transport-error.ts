import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UpstreamTimeoutError } from '../errors/upstream-timeout-error.ts';

/** True for the caller's own cancellation (not a `TimeoutError`): such errors are passed through unchanged. */
export function isAbortError(error: unknown): boolean {
  return (error instanceof Error || error instanceof DOMException) && error.name === 'AbortError';
}

/** What each of undici's timeouts (the upstream fetch's, see create-upstream-fetch.ts) means for the caller. */
const UNDICI_TIMEOUTS: Readonly<Record<string, (host: string) => string>> = {
  UND_ERR_CONNECT_TIMEOUT: (host) => `Could not connect to ${host} in time.`,
  UND_ERR_HEADERS_TIMEOUT: (host) => `${host} did not start answering in time.`,
  UND_ERR_BODY_TIMEOUT: (host) => `${host} went silent in the middle of its answer.`,
};

/** Errors wrap each other (fetch's "fetch failed" / "terminated" around undici's own); a few levels is plenty. */
const MAX_CAUSE_DEPTH = 5;

function* causesOf(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current != null; depth += 1) {
    yield current;
    current = current instanceof Error ? current.cause : undefined;
  }
}

/**
 * Turns an error thrown by `fetch` or by reading a response body into our class: a timeout of ours (the caller's
 * `TimeoutError`, or one of the upstream fetch's connect, first-byte and idle timeouts) becomes
 * `UpstreamTimeoutError`, anything else `UpstreamConnectionError`. The caller's own abort is returned unchanged: it
 * is not an upstream failure.
 */
export function toTransportError(
  error: unknown,
  url: string,
  options: {
    /** The answer had begun (its body was being read): a dropped connection broke it off, not "could not reach". */
    isReadingBody?: boolean;
  } = {},
): unknown {
  if (isAbortError(error)) return error;
  const host = new URL(url).host;
  for (const cause of causesOf(error)) {
    if (!(cause instanceof Error || cause instanceof DOMException)) break;
    const describe = UNDICI_TIMEOUTS[String((cause as { code?: unknown }).code)];
    if (describe != null) return new UpstreamTimeoutError({ message: describe(host), url, cause: error });
    if (cause.name === 'TimeoutError') {
      return new UpstreamTimeoutError({ message: `Timed out waiting for ${host}.`, url, cause: error });
    }
  }
  const detail = error instanceof Error ? (describeCause(error) ?? error.message) : String(error);
  return new UpstreamConnectionError({
    message:
      options.isReadingBody === true
        ? `The connection to ${host} broke off in the middle of its answer: ${detail}`
        : `Could not reach ${host}: ${detail}`,
    url,
    cause: error,
  });
}

function describeCause(error: Error): string | undefined {
  const cause = error.cause;
  if (cause instanceof Error) return `${error.message} (${cause.message})`;
  return undefined;
}
