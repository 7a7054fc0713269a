/**
 * How long a request that failed spent waiting on upstreams, kept beside its error (a WeakMap: errors are not
 * changed) from the domain to the `/v1` error handler, which reports the gateway's own time
 * (`x-gateway-overhead-ms`) on error answers too. An upstream that is slow and then fails must not look like a
 * slow gateway.
 */
const upstreamWaits = new WeakMap<object, number>();

/**
 * Records `upstreamWaitMs` as the wait behind `error` and returns the error, for `throw withUpstreamWait(…)`. Each
 * layer measures from further out, so the largest measure is kept.
 */
export function withUpstreamWait(error: unknown, upstreamWaitMs: number): unknown {
  if (typeof error === 'object' && error !== null) {
    upstreamWaits.set(error, Math.max(upstreamWaits.get(error) ?? 0, upstreamWaitMs));
  }
  return error;
}

/** The upstream wait recorded for `error`; 0 when none was (the request failed before reaching an upstream). */
export function upstreamWaitOf(error: unknown): number {
  return typeof error === 'object' && error !== null ? (upstreamWaits.get(error) ?? 0) : 0;
}
