import { type RequestResult, type Target, timedRequest } from './http-client.ts';

export type SeriesByTarget = Record<string, RequestResult[]>;

/**
 * Sequential requests to several targets, interleaved: iteration i sends one request to each target, the order
 * rotating every iteration, so drift of a noisy machine (a neighbour's burst, CPU frequency) hits every target
 * alike. Warm-up requests go first and are not kept. Bounded by the iteration count and a deadline: past it the
 * loop stops and says so.
 */
export async function measureInterleaved(options: {
  targets: readonly Target[];
  iterations: number;
  warmup: number;
  body: (target: Target) => string;
  deadlineMs: number;
  timeoutMs?: number;
  readStamps?: boolean;
  /** Keep each answer's body, for a scenario that checks what it says (small answers only: it costs memory). */
  keepBody?: boolean;
}): Promise<{ series: SeriesByTarget; isTruncated: boolean }> {
  const { targets } = options;
  const series: SeriesByTarget = Object.fromEntries(targets.map((target) => [target.name, []]));
  const bodies = new Map(targets.map((target) => [target.name, options.body(target)]));
  const deadline = Date.now() + options.deadlineMs;
  let isTruncated = false;
  for (let iteration = -options.warmup; iteration < options.iterations; iteration += 1) {
    if (Date.now() > deadline) {
      isTruncated = true;
      break;
    }
    for (let offset = 0; offset < targets.length; offset += 1) {
      const target = targets[(Math.abs(iteration) + offset) % targets.length] as Target;
      const result = await timedRequest({
        target,
        body: bodies.get(target.name) ?? '',
        timeoutMs: options.timeoutMs ?? 10_000,
        ...(options.readStamps === true ? { readStamps: true } : {}),
        ...(options.keepBody === true ? { keepBody: true } : {}),
      });
      if (iteration >= 0) series[target.name]?.push(result);
    }
  }
  return { series, isTruncated };
}

/**
 * `concurrency` workers at once against one target, each sending `rounds` streams back to back: that many
 * requests are in flight from the first moment to the last round. Bounded by a deadline too.
 */
export async function measureConcurrent(options: {
  target: Target;
  concurrency: number;
  rounds: number;
  body: string;
  timeoutMs: number;
  deadlineMs: number;
}): Promise<{ results: RequestResult[]; wallMs: number; isTruncated: boolean }> {
  const results: RequestResult[] = [];
  const deadline = Date.now() + options.deadlineMs;
  let isTruncated = false;
  const startedAt = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      for (let round = 0; round < options.rounds; round += 1) {
        if (Date.now() > deadline) {
          isTruncated = true;
          return;
        }
        results.push(await timedRequest({ target: options.target, body: options.body, timeoutMs: options.timeoutMs }));
      }
    }),
  );
  return { results, wallMs: Number(process.hrtime.bigint() - startedAt) / 1e6, isTruncated };
}

/** A request that did not give a complete, successful answer. */
export function isFailure(result: RequestResult, options: { isStream: boolean }): boolean {
  return result.status !== 200 || (options.isStream && !result.sawDone);
}
