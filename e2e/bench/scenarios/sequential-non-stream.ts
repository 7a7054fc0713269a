import { OPENAI_MODEL } from '../support/bench-profiles.ts';
import { chatBody, createTarget } from '../support/http-client.ts';
import { isFailure, measureInterleaved } from '../support/measure.ts';
import type { Scenario } from '../support/scenario.ts';
import { overhead, percentiles, round } from '../support/summarize.ts';
import { formatMs, ratioOf } from './format.ts';

/**
 * Sequential non-stream `/v1/chat/completions`, one request at a time: the latency every caller pays, without
 * queueing. The gateway asks the upstream for a stream even here (it relays every answer the same way), so its
 * number includes collecting 16 deltas into one completion.
 */
export const sequentialNonStream: Scenario = {
  id: 'sequential-non-stream',
  async run(context) {
    const iterations = context.isQuick ? 30 : 2_000;
    const warmup = context.isQuick ? 5 : 200;
    const upstream = new URL(context.env.upstreams.profiles.instant);
    const targets = [
      ...(await context.openAiTargets('instant')),
      // Here only: the framework floor explains the gateway's figure; the other scenarios compare like with like.
      createTarget({
        name: 'framework-relay',
        url: `${context.env.frameworkRelay.url}${upstream.pathname}/chat/completions`,
        headers: { authorization: `Bearer ${context.env.upstreams.apiKey}`, 'x-bare-upstream': upstream.origin },
        model: OPENAI_MODEL,
      }),
    ];
    context.log(`sequential non-stream: ${iterations} × ${targets.length} targets after ${warmup} warm-up`);
    const startedAt = Date.now();
    const { series, isTruncated } = await measureInterleaved({
      targets,
      iterations,
      warmup,
      body: (target) => chatBody({ model: target.model, stream: false }),
      deadlineMs: context.isQuick ? 20_000 : 120_000,
    });
    const summaries = Object.fromEntries(
      Object.entries(series).map(([name, results]) => [
        name,
        {
          latencyMs: percentiles(results.map((result) => result.totalMs)),
          errors: results.filter((result) => isFailure(result, { isStream: false })).length,
          samples: results.length,
        },
      ]),
    );
    const direct = summaries.direct?.latencyMs;
    const derived: Record<string, number> = {};
    for (const name of Object.keys(summaries).filter((candidate) => candidate !== 'direct')) {
      const through = summaries[name]?.latencyMs;
      if (direct == null || through == null) continue;
      const added = overhead(through, direct);
      derived[`${name}.overheadP50Ms`] = round(added.p50);
      derived[`${name}.overheadP90Ms`] = round(added.p90);
      derived[`${name}.overheadP99Ms`] = round(added.p99);
      derived[`${name}.ratioToDirectP50`] = round(through.p50 / direct.p50);
    }
    if (derived['portkey.overheadP50Ms'] != null) {
      derived['gateway.overheadToPortkeyP50'] = round(
        (derived['gateway.overheadP50Ms'] ?? Number.NaN) / derived['portkey.overheadP50Ms'],
      );
      derived['gateway.latencyToPortkeyP50'] = round(
        (summaries.gateway?.latencyMs.p50 ?? Number.NaN) / (summaries.portkey?.latencyMs.p50 ?? Number.NaN),
      );
    }
    // The gateway's own account of its time (`x-gateway-overhead-ms`): arrival to answer, minus upstream waits.
    const selfReported = percentiles((series.gateway ?? []).map((result) => result.selfReportedMs));
    if (selfReported.n > 0) {
      derived['gateway.selfReportedP50Ms'] = round(selfReported.p50);
      derived['gateway.selfReportedP99Ms'] = round(selfReported.p99);
    }
    const markdown = [
      '| target | p50 | p90 | p99 | overhead p50 | overhead p90 | overhead p99 | ÷ direct (p50) | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...Object.entries(summaries).map(([name, summary]) => {
        const { p50, p90, p99 } = summary.latencyMs;
        const isDirect = name === 'direct';
        return `| ${name} | ${formatMs(p50)} | ${formatMs(p90)} | ${formatMs(p99)} | ${isDirect ? '—' : formatMs(derived[`${name}.overheadP50Ms`])} | ${isDirect ? '—' : formatMs(derived[`${name}.overheadP90Ms`])} | ${isDirect ? '—' : formatMs(derived[`${name}.overheadP99Ms`])} | ${isDirect ? '1' : ratioOf(derived[`${name}.ratioToDirectP50`])} | ${summary.errors} |`;
      }),
    ];
    if (derived['bare-relay.overheadP50Ms'] != null) {
      derived['gateway.overheadAboveBareP50Ms'] = round(
        (derived['gateway.overheadP50Ms'] ?? Number.NaN) - derived['bare-relay.overheadP50Ms'],
      );
      for (const p of ['P50', 'P99']) {
        derived[`gateway.overheadToBare${p}`] = round(
          (derived[`gateway.overhead${p}Ms`] ?? Number.NaN) / (derived[`bare-relay.overhead${p}Ms`] ?? Number.NaN),
        );
      }
      const framework = derived['framework-relay.overheadP50Ms'];
      if (framework != null) {
        derived['framework-relay.overheadToBareP50'] = round(framework / derived['bare-relay.overheadP50Ms']);
        derived['gateway.overheadAboveFrameworkP50Ms'] = round(
          (derived['gateway.overheadP50Ms'] ?? Number.NaN) - framework,
        );
      }
      if (derived['portkey.overheadP50Ms'] != null) {
        derived['bare-relay.overheadToPortkeyP50'] = round(
          derived['bare-relay.overheadP50Ms'] / derived['portkey.overheadP50Ms'],
        );
      }
      markdown.push(
        '',
        `The bare relay is the floor: a Node relay that only forwards bytes (${formatMs(derived['bare-relay.overheadP50Ms'])} overhead p50${derived['bare-relay.overheadToPortkeyP50'] == null ? '' : `, ${ratioOf(derived['bare-relay.overheadToPortkeyP50'])} Portkey's`}). The gateway's own work on top of that hop: ${formatMs(derived['gateway.overheadAboveBareP50Ms'])} p50. Gateway overhead ÷ the bare relay's: ${ratioOf(derived['gateway.overheadToBareP50'])} p50, ${ratioOf(derived['gateway.overheadToBareP99'])} p99.`,
      );
      if (framework != null) {
        markdown.push(
          '',
          `The framework relay is the same work through Fastify, the body parsed and sent on as JSON: ${formatMs(framework)} overhead p50, ${ratioOf(derived['framework-relay.overheadToBareP50'])} the bare relay's. What the gateway adds on top of the framework (authentication, validation, routing, the usage ledger, logs, metrics): ${formatMs(derived['gateway.overheadAboveFrameworkP50Ms'])} p50.`,
        );
      }
    }
    if (derived['gateway.overheadToPortkeyP50'] != null) {
      markdown.push(
        '',
        `Gateway ÷ Portkey: ${ratioOf(derived['gateway.latencyToPortkeyP50'])} in latency (p50), ${ratioOf(derived['gateway.overheadToPortkeyP50'])} in overhead (p50).`,
      );
    }
    if (derived['gateway.selfReportedP50Ms'] != null) {
      markdown.push(
        '',
        `The gateway's own account of its time${''} (\`x-gateway-overhead-ms\`: from the request's arrival to the answer, less the time waiting on the upstream): ${formatMs(derived['gateway.selfReportedP50Ms'])} p50, ${formatMs(derived['gateway.selfReportedP99Ms'])} p99. The rest of its overhead is the hop (sockets, process wake-ups) on a machine shared by every process of the run.`,
      );
    }
    return {
      id: this.id,
      title: `Sequential non-stream chat completions (N = ${iterations} per target, ${warmup} warm-up)`,
      params: { iterations, warmup, profile: 'instant', model: OPENAI_MODEL },
      durationMs: Date.now() - startedAt,
      isTruncated,
      targets: summaries,
      derived,
      markdown,
    };
  },
};
