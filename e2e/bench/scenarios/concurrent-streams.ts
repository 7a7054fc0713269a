import { UPSTREAM_PROFILES } from '../support/bench-profiles.ts';
import { readRssKib, sampleRss } from '../support/child-process.ts';
import { chatBody, type Target } from '../support/http-client.ts';
import { isFailure, measureConcurrent } from '../support/measure.ts';
import type { Scenario } from '../support/scenario.ts';
import { percentiles, round } from '../support/summarize.ts';
import { formatMs, ratioOf } from './format.ts';

type LevelRun = {
  target: string;
  concurrency: number;
  streams: number;
  errors: number;
  wallMs: number;
  streamsPerSecond: number;
  chunksPerSecond: number;
  firstByteMs: ReturnType<typeof percentiles>;
  durationMs: ReturnType<typeof percentiles>;
  /** The relay process's RSS (gateway or Portkey): before the level and its peak during it, KiB. */
  idleRssKib?: number;
  peakRssKib?: number;
  perStreamKib?: number;
  isTruncated: boolean;
};

/**
 * 1, 50, 200 and 1,000 streams at once from the held upstream (10 deltas 100 ms apart, about a second a stream),
 * each worker sending streams back to back, target after target. Throughput, errors and the p99s say whether the
 * relay keeps up; the relay process's RSS, sampled from /proc every 25 ms against its level just before, gives
 * the memory one open stream costs.
 */
export const concurrentStreams: Scenario = {
  id: 'concurrent-streams',
  async run(context) {
    const levels = context.isQuick ? [1, 10] : [1, 50, 200, 1_000];
    const roundsFor = (level: number) => (context.isQuick ? 1 : level === 1 ? 5 : level >= 1_000 ? 2 : 3);
    const targets = await context.openAiTargets('held');
    const { chunkCount, chunkDelayMs } = UPSTREAM_PROFILES.held;
    const pids: Record<string, number> = {
      gateway: context.env.gateway.pid,
      'bare-relay': context.env.bareRelay.pid,
    };
    if (context.env.portkey != null) pids.portkey = context.env.portkey.pid;
    const startedAt = Date.now();
    const runs: LevelRun[] = [];
    let isTruncated = false;
    for (const level of levels) {
      for (const target of targets) {
        context.log(`concurrency ${level}: ${target.name}`);
        runs.push(
          await runLevel({ target, level, rounds: roundsFor(level), pid: pids[target.name], isQuick: context.isQuick }),
        );
        isTruncated ||= runs.at(-1)?.isTruncated === true;
        // Let the relay settle (sockets close, buffers free) before the next target's idle RSS is read.
        await new Promise((resolve) => setTimeout(resolve, context.isQuick ? 100 : 1_000));
      }
    }
    const derived: Record<string, number> = {};
    for (const run of runs) {
      const key = `${run.target}.c${run.concurrency}`;
      derived[`${key}.errors`] = run.errors;
      derived[`${key}.streamsPerSecond`] = round(run.streamsPerSecond);
      derived[`${key}.durationP99Ms`] = round(run.durationMs.p99);
      derived[`${key}.firstByteP99Ms`] = round(run.firstByteMs.p99);
      if (run.perStreamKib != null) derived[`${key}.perStreamKib`] = round(run.perStreamKib);
      if (run.peakRssKib != null) derived[`${key}.peakRssKib`] = run.peakRssKib;
    }
    // Gateway (and Portkey) ÷ bare relay at each level, from the numbers above; the targets read the top level's
    // (1,000 in a full run, the small level of a quick one), named by `topLevel`.
    const topLevel = Math.max(...levels);
    derived.topLevel = topLevel;
    for (const level of levels) {
      for (const name of ['gateway', 'portkey']) {
        const key = `${name}.c${level}`;
        if (derived[`${key}.errors`] == null || derived[`bare-relay.c${level}.errors`] == null) continue;
        derived[`${key}.streamsPerSecondToBare`] = round(
          (derived[`${key}.streamsPerSecond`] ?? Number.NaN) /
            (derived[`bare-relay.c${level}.streamsPerSecond`] ?? Number.NaN),
        );
        derived[`${key}.firstByteP99ToBare`] = round(
          (derived[`${key}.firstByteP99Ms`] ?? Number.NaN) /
            (derived[`bare-relay.c${level}.firstByteP99Ms`] ?? Number.NaN),
        );
      }
    }
    const markdown = [
      '| streams at once | target | streams | errors | streams/s | chunks/s | first byte p99 | stream p50 | stream p99 | relay RSS idle → peak | per stream |',
      '| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...runs.map(
        (run) =>
          `| ${run.concurrency} | ${run.target} | ${run.streams} | ${run.errors} | ${run.streamsPerSecond.toFixed(1)} | ${Math.round(run.chunksPerSecond)} | ${formatMs(run.firstByteMs.p99)} | ${formatMs(run.durationMs.p50)} | ${formatMs(run.durationMs.p99)} | ${run.idleRssKib == null ? '—' : `${mib(run.idleRssKib)} → ${mib(run.peakRssKib ?? Number.NaN)}`} | ${run.perStreamKib == null ? '—' : `${run.perStreamKib.toFixed(1)} KiB`} |`,
      ),
      '',
      `At ${topLevel} streams at once, gateway ÷ bare relay: ${ratioOf(derived[`gateway.c${topLevel}.streamsPerSecondToBare`])} the throughput, ${ratioOf(derived[`gateway.c${topLevel}.firstByteP99ToBare`])} the first-byte p99${derived[`portkey.c${topLevel}.streamsPerSecondToBare`] == null ? '' : ` (Portkey: ${ratioOf(derived[`portkey.c${topLevel}.streamsPerSecondToBare`])} and ${ratioOf(derived[`portkey.c${topLevel}.firstByteP99ToBare`])})`}.`,
      '',
      'The held upstream sends its role chunk at once and the first token 100 ms later. The bench key is the whole',
      'route (no fallback), so the gateway relays that role chunk at once too; a route with fallbacks would hold its',
      'first byte until the first token (until then it can still fall back to another provider). RSS per stream is',
      '(peak − level just before) ÷ streams at once; V8 keeps a heap it grew, so a level starts from the plateau the',
      'previous one left.',
    ];
    return {
      id: this.id,
      title: `Concurrent streams, ${chunkCount} chunks ${chunkDelayMs} ms apart (levels ${levels.join(', ')})`,
      params: {
        levels,
        profile: 'held',
        chunkCount,
        chunkDelayMs,
        rounds: Object.fromEntries(levels.map((l) => [l, roundsFor(l)])),
      },
      durationMs: Date.now() - startedAt,
      isTruncated,
      targets: Object.fromEntries(runs.map((run) => [`${run.target}@${run.concurrency}`, run])),
      derived,
      markdown,
    };
  },
};

async function runLevel(options: {
  target: Target;
  level: number;
  rounds: number;
  pid: number | undefined;
  isQuick: boolean;
}): Promise<LevelRun> {
  const { target, level, pid } = options;
  const idleRssKib = pid == null ? undefined : await readRssKib(pid);
  const sampler = pid == null ? undefined : sampleRss(pid);
  const { results, wallMs, isTruncated } = await measureConcurrent({
    target,
    concurrency: level,
    rounds: options.rounds,
    body: chatBody({ model: target.model, stream: true }),
    timeoutMs: 30_000,
    deadlineMs: options.isQuick ? 15_000 : 60_000,
  });
  const sampled = await sampler?.stop();
  const { chunkCount } = UPSTREAM_PROFILES.held;
  const ok = results.filter((result) => !isFailure(result, { isStream: true }));
  const peakRssKib = sampled?.peakKib;
  return {
    target: target.name,
    concurrency: level,
    streams: results.length,
    errors: results.length - ok.length,
    wallMs,
    streamsPerSecond: ok.length / (wallMs / 1000),
    chunksPerSecond: (ok.length * chunkCount) / (wallMs / 1000),
    firstByteMs: percentiles(results.map((result) => result.firstByteMs)),
    durationMs: percentiles(results.map((result) => result.totalMs)),
    ...(idleRssKib == null ? {} : { idleRssKib }),
    ...(peakRssKib == null ? {} : { peakRssKib }),
    ...(idleRssKib == null || peakRssKib == null ? {} : { perStreamKib: Math.max(0, peakRssKib - idleRssKib) / level }),
    isTruncated,
  };
}

function mib(kib: number): string {
  return Number.isFinite(kib) ? `${(kib / 1024).toFixed(1)} MiB` : '—';
}
