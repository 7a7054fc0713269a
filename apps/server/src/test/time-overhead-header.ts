import { expect } from 'vitest';

export type TimedAnswer = { response: Response; overheadMs: number; wallMs: number };

/**
 * Sends a request, times it from the client's side (until the headers arrived) and reads `x-gateway-overhead-ms`:
 * a number with one decimal, at least 0, and below the wall time the client measured, which encloses the whole of
 * the gateway's handling. The time spent waiting on the upstream is subtracted on the gateway's side, so a test
 * that slows the upstream by D ms can assert the overhead stays below `wallMs - D / 2` whatever the machine's load
 * (docs/architecture.md §1: the gateway's own account of its time).
 */
export async function timeOverheadHeader(send: () => Promise<Response>): Promise<TimedAnswer> {
  const startedAt = performance.now();
  const response = await send();
  const wallMs = performance.now() - startedAt;
  const header = response.headers.get('x-gateway-overhead-ms');
  expect(header, 'x-gateway-overhead-ms').toMatch(/^\d+\.\d{2}$/);
  const overheadMs = Number(header);
  expect(Number.isFinite(overheadMs)).toBe(true);
  expect(overheadMs).toBeGreaterThanOrEqual(0);
  expect(overheadMs).toBeLessThan(wallMs);
  return { response, overheadMs, wallMs };
}

/**
 * A slow upstream (held `delayMs` by the fake) must not inflate the gateway's own time. The client's wall time
 * shows the delay really happened; the gateway's elapsed time encloses it, so only the upstream-wait accounting can
 * take it out again: the overhead stays at least half the delay below the wall time. Relative to the wall time, not
 * an absolute bound, so a loaded machine cannot make it fail (absolute bounds live in `*.timing.test.ts`).
 */
export function expectUpstreamWaitSubtracted(answer: TimedAnswer, delayMs: number): void {
  expect(answer.wallMs).toBeGreaterThanOrEqual(delayMs);
  expect(answer.overheadMs).toBeLessThan(answer.wallMs - delayMs / 2);
}
