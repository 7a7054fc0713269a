import { chatBody } from '../support/http-client.ts';
import { isFailure, measureInterleaved } from '../support/measure.ts';
import type { Scenario } from '../support/scenario.ts';
import { percentiles, round } from '../support/summarize.ts';
import { formatMs, ratioOf } from './format.ts';

/**
 * Sequential streams from the instant upstream (16 deltas back to back): time to the response headers, to the
 * first event (the first body byte: what a chat UI waits for) and to the last byte.
 */
export const sequentialStream: Scenario = {
  id: 'sequential-stream',
  async run(context) {
    const iterations = context.isQuick ? 20 : 1_000;
    const warmup = context.isQuick ? 5 : 100;
    const targets = await context.openAiTargets('instant');
    context.log(`sequential stream: ${iterations} × ${targets.length} targets after ${warmup} warm-up`);
    const startedAt = Date.now();
    const { series, isTruncated } = await measureInterleaved({
      targets,
      iterations,
      warmup,
      body: (target) => chatBody({ model: target.model, stream: true }),
      deadlineMs: context.isQuick ? 20_000 : 90_000,
    });
    const summaries = Object.fromEntries(
      Object.entries(series).map(([name, results]) => [
        name,
        {
          headersMs: percentiles(results.map((result) => result.headersMs)),
          firstByteMs: percentiles(results.map((result) => result.firstByteMs)),
          lastByteMs: percentiles(results.map((result) => result.totalMs)),
          errors: results.filter((result) => isFailure(result, { isStream: true })).length,
          samples: results.length,
        },
      ]),
    );
    const direct = summaries.direct;
    const derived: Record<string, number> = {};
    for (const [name, summary] of Object.entries(summaries)) {
      if (name === 'direct' || direct == null) continue;
      derived[`${name}.firstByteOverheadP50Ms`] = round(summary.firstByteMs.p50 - direct.firstByteMs.p50);
      derived[`${name}.firstByteOverheadP99Ms`] = round(summary.firstByteMs.p99 - direct.firstByteMs.p99);
      derived[`${name}.lastByteOverheadP50Ms`] = round(summary.lastByteMs.p50 - direct.lastByteMs.p50);
      derived[`${name}.lastByteOverheadP99Ms`] = round(summary.lastByteMs.p99 - direct.lastByteMs.p99);
    }
    if (derived['portkey.firstByteOverheadP50Ms'] != null) {
      derived['gateway.firstByteOverheadToPortkeyP50'] = round(
        (derived['gateway.firstByteOverheadP50Ms'] ?? Number.NaN) / derived['portkey.firstByteOverheadP50Ms'],
      );
    }
    // The gateway's own account of its time (`x-gateway-overhead-ms`): arrival to answer, minus upstream waits.
    const selfReported = percentiles((series.gateway ?? []).map((result) => result.selfReportedMs));
    if (selfReported.n > 0) {
      derived['gateway.selfReportedP50Ms'] = round(selfReported.p50);
      derived['gateway.selfReportedP99Ms'] = round(selfReported.p99);
    }
    const markdown = [
      '| target | headers p50 | first byte p50 | first byte p99 | last byte p50 | last byte p99 | first-byte overhead p50 | last-byte overhead p50 | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...Object.entries(summaries).map(([name, summary]) => {
        const isDirect = name === 'direct';
        return `| ${name} | ${formatMs(summary.headersMs.p50)} | ${formatMs(summary.firstByteMs.p50)} | ${formatMs(summary.firstByteMs.p99)} | ${formatMs(summary.lastByteMs.p50)} | ${formatMs(summary.lastByteMs.p99)} | ${isDirect ? '—' : formatMs(derived[`${name}.firstByteOverheadP50Ms`])} | ${isDirect ? '—' : formatMs(derived[`${name}.lastByteOverheadP50Ms`])} | ${summary.errors} |`;
      }),
    ];
    if (derived['bare-relay.firstByteOverheadP50Ms'] != null) {
      derived['gateway.firstByteOverheadAboveBareP50Ms'] = round(
        (derived['gateway.firstByteOverheadP50Ms'] ?? Number.NaN) - derived['bare-relay.firstByteOverheadP50Ms'],
      );
      derived['gateway.firstByteOverheadToBareP50'] = round(
        (derived['gateway.firstByteOverheadP50Ms'] ?? Number.NaN) / derived['bare-relay.firstByteOverheadP50Ms'],
      );
    }
    const notes = [
      derived['gateway.firstByteOverheadToPortkeyP50'] == null
        ? ''
        : `Gateway ÷ Portkey, first-byte overhead (p50): ${ratioOf(derived['gateway.firstByteOverheadToPortkeyP50'])}.`,
      derived['gateway.firstByteOverheadAboveBareP50Ms'] == null
        ? ''
        : `The gateway's own work over the bare relay's hop (first byte, p50): ${formatMs(derived['gateway.firstByteOverheadAboveBareP50Ms'])}; gateway ÷ bare relay, first-byte overhead (p50): ${ratioOf(derived['gateway.firstByteOverheadToBareP50'])}.`,
    ].filter((note) => note !== '');
    if (notes.length > 0) markdown.push('', notes.join(' '));
    if (derived['gateway.selfReportedP50Ms'] != null) {
      markdown.push(
        '',
        `The gateway's own account of its time${' to its first byte'} (\`x-gateway-overhead-ms\`: from the request's arrival to the answer, less the time waiting on the upstream): ${formatMs(derived['gateway.selfReportedP50Ms'])} p50, ${formatMs(derived['gateway.selfReportedP99Ms'])} p99. The rest of its overhead is the hop (sockets, process wake-ups) on a machine shared by every process of the run.`,
      );
    }
    return {
      id: this.id,
      title: `Sequential streams, 16 chunks without delay (N = ${iterations} per target, ${warmup} warm-up)`,
      params: { iterations, warmup, profile: 'instant' },
      durationMs: Date.now() - startedAt,
      isTruncated,
      targets: summaries,
      derived,
      markdown,
    };
  },
};
