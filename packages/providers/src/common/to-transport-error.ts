import { UpstreamConnectionError } from '../errors/upstream-connection-error.ts';
import { UpstreamTimeoutError } from '../errors/upstream-timeout-error.ts';

/** True for the caller's own cancellation (not a `TimeoutError`): such errors are passed through unchanged. */
export function isAbortError(error: unknown): boolean {
  return (error instanceof Error || error instanceof DOMException) && error.name === 'AbortError';
}

/**
 * Turns an error thrown by `fetch` or by reading a response body into our class. The caller's own abort is returned
 * unchanged: it is not an upstream failure.
 */
export function toTransportError(error: unknown, url: string): unknown {
  if (isAbortError(error)) return error;
  if ((error instanceof Error || error instanceof DOMException) && error.name === 'TimeoutError') {
    return new UpstreamTimeoutError({ message: `Timed out waiting for ${new URL(url).host}`, url, cause: error });
  }
  const detail = error instanceof Error ? (describeCause(error) ?? error.message) : String(error);
  return new UpstreamConnectionError({
    message: `Could not reach ${new URL(url).host}: ${detail}`,
    url,
    cause: error,
  });
}

function describeCause(error: Error): string | undefined {
  const cause = error.cause;
  if (cause instanceof Error) return `${error.message} (${cause.message})`;
  return undefined;
}
