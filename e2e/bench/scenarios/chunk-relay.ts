import { UPSTREAM_PROFILES } from '../support/bench-profiles.ts';
import { chatBody } from '../support/http-client.ts';
import { isFailure, measureInterleaved } from '../support/measure.ts';
import type { Scenario } from '../support/scenario.ts';
import { percentiles, round } from '../support/summarize.ts';
import { formatMs } from './format.ts';

/**
 * Per-chunk relay delay: the paced upstream writes a delta every 5 ms, each carrying its send time; the client
 * subtracts it from the arrival time. Directly that is the socket and parsing; through a relay, plus whatever the
 * relay holds a chunk for. The chunks are apart, so no chunk waits behind the one before.
 */
export const chunkRelay: Scenario = {
  id: 'chunk-relay',
  async run(context) {
    const iterations = context.isQuick ? 5 : 150;
    const warmup = context.isQuick ? 1 : 10;
    const targets = await context.openAiTargets('paced');
    const { chunkCount, chunkDelayMs } = UPSTREAM_PROFILES.paced;
    context.log(`chunk relay: ${iterations} streams × ${chunkCount} chunks × ${targets.length} targets`);
    const startedAt = Date.now();
    const { series, isTruncated } = await measureInterleaved({
      targets,
      iterations,
      warmup,
      body: (target) => chatBody({ model: target.model, stream: true }),
      deadlineMs: context.isQuick ? 20_000 : 90_000,
      readStamps: true,
    });
    const summaries = Object.fromEntries(
      Object.entries(series).map(([name, results]) => {
        const relays = results.flatMap((result) => result.relayMs);
        return [
          name,
          {
            relayMs: percentiles(relays),
            chunksPerStream: results.length === 0 ? 0 : relays.length / results.length,
            errors: results.filter((result) => isFailure(result, { isStream: true })).length,
            samples: results.length,
          },
        ];
      }),
    );
    const direct = summaries.direct?.relayMs;
    const derived: Record<string, number> = {};
    for (const [name, summary] of Object.entries(summaries)) {
      if (name === 'direct' || direct == null) continue;
      derived[`${name}.chunkDelayP50Ms`] = round(summary.relayMs.p50 - direct.p50);
      derived[`${name}.chunkDelayP99Ms`] = round(summary.relayMs.p99 - direct.p99);
    }
    const markdown = [
      '| target | send→arrival p50 | p90 | p99 | relay delay per chunk p50 | relay delay p99 | chunks seen per stream | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...Object.entries(summaries).map(([name, summary]) => {
        const isDirect = name === 'direct';
        return `| ${name} | ${formatMs(summary.relayMs.p50)} | ${formatMs(summary.relayMs.p90)} | ${formatMs(summary.relayMs.p99)} | ${isDirect ? '—' : formatMs(derived[`${name}.chunkDelayP50Ms`])} | ${isDirect ? '—' : formatMs(derived[`${name}.chunkDelayP99Ms`])} | ${summary.chunksPerStream.toFixed(1)} | ${summary.errors} |`;
      }),
    ];
    return {
      id: this.id,
      title: `Per-chunk relay delay, ${chunkCount} stamped chunks ${chunkDelayMs} ms apart (${iterations} streams per target)`,
      params: { iterations, warmup, profile: 'paced', chunkCount, chunkDelayMs },
      durationMs: Date.now() - startedAt,
      isTruncated,
      targets: summaries,
      derived,
      markdown,
    };
  },
};
