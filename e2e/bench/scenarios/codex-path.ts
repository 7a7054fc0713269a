import { CODEX_MODEL } from '../support/bench-profiles.ts';
import { chatBody, createTarget, type Target } from '../support/http-client.ts';
import { isFailure, measureInterleaved } from '../support/measure.ts';
import { apiKeyTargets, type Scenario, type ScenarioContext } from '../support/scenario.ts';
import { overhead, percentiles, round } from '../support/summarize.ts';
import { formatMs, ratioOf } from './format.ts';

/** Headers a replay must not copy: the connection's own, and what the client computes for its body. */
const HOP_HEADERS = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * The ChatGPT-subscription path — chat completions translated to the Codex Responses protocol and back — against
 * the API-key path, both non-stream and streamed, each measured against its own direct baseline: the Codex fake
 * is sent, byte for byte, the request the gateway sent it (headers included), so the direct number is the
 * fake's own cost and the difference is the gateway's.
 */
export const codexPath: Scenario = {
  id: 'codex-path',
  async run(context) {
    const iterations = context.isQuick ? 10 : 1_000;
    const warmup = context.isQuick ? 3 : 100;
    const { direct, gateway } = await apiKeyTargets(context);
    const gatewayCodex = createTarget({
      name: 'gateway-codex',
      url: gateway.url.href,
      headers: gateway.headers,
      model: `chatgpt/${CODEX_MODEL}`,
    });
    const startedAt = Date.now();
    const derived: Record<string, number> = {};
    const targets: Record<string, Record<string, unknown>> = {};
    const markdown = [
      '| mode | path | direct p50 | through gateway p50 | overhead p50 | overhead p99 | errors |',
      '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ];
    let isTruncated = false;
    for (const stream of [false, true]) {
      const mode = stream ? 'stream' : 'non-stream';
      const directCodex = await replayTarget({ context, gatewayCodex, stream });
      const apiKey = [
        { ...direct, name: 'direct-api-key' },
        { ...gateway, name: 'gateway-api-key' },
      ];
      const all = [...apiKey, directCodex, gatewayCodex];
      context.log(`codex path (${mode}): ${iterations} × ${all.length} targets after ${warmup} warm-up`);
      const measured = await measureInterleaved({
        targets: all,
        iterations,
        warmup,
        body: (target) =>
          target === directCodex ? (replayBodies.get(mode) ?? '') : chatBody({ model: target.model, stream }),
        deadlineMs: context.isQuick ? 20_000 : 90_000,
      });
      isTruncated ||= measured.isTruncated;
      const summary = (name: string) => {
        const results = measured.series[name] ?? [];
        return {
          latencyMs: percentiles(results.map((result) => result.totalMs)),
          // The Codex protocol has no `[DONE]`: its direct answers count as complete by status alone.
          errors: results.filter((result) => isFailure(result, { isStream: stream && name !== 'direct-codex' })).length,
          samples: results.length,
        };
      };
      for (const [path, directName, throughName] of [
        ['api-key', 'direct-api-key', 'gateway-api-key'],
        ['codex', 'direct-codex', 'gateway-codex'],
      ] as const) {
        const baseline = summary(directName);
        const through = summary(throughName);
        targets[`${mode}.${directName}`] = baseline;
        targets[`${mode}.${throughName}`] = through;
        const added = overhead(through.latencyMs, baseline.latencyMs);
        derived[`${mode}.${path}.overheadP50Ms`] = round(added.p50);
        derived[`${mode}.${path}.overheadP99Ms`] = round(added.p99);
        markdown.push(
          `| ${mode} | ${path === 'codex' ? 'ChatGPT subscription (Codex)' : 'API key'} | ${formatMs(baseline.latencyMs.p50)} | ${formatMs(through.latencyMs.p50)} | ${formatMs(added.p50)} | ${formatMs(added.p99)} | ${baseline.errors + through.errors} |`,
        );
      }
      derived[`${mode}.codexToApiKeyOverheadP50`] = round(
        (derived[`${mode}.codex.overheadP50Ms`] ?? Number.NaN) /
          (derived[`${mode}.api-key.overheadP50Ms`] ?? Number.NaN),
      );
    }
    markdown.push(
      '',
      `Codex-path overhead ÷ API-key-path overhead (p50): ${ratioOf(derived['non-stream.codexToApiKeyOverheadP50'])} non-stream, ${ratioOf(derived['stream.codexToApiKeyOverheadP50'])} stream.`,
    );
    return {
      id: this.id,
      title: `Codex path (chat → Responses) vs API-key path (N = ${iterations} per target and mode, ${warmup} warm-up)`,
      params: { iterations, warmup, codexModel: CODEX_MODEL },
      durationMs: Date.now() - startedAt,
      isTruncated,
      targets,
      derived,
      markdown,
    };
  },
};

const replayBodies = new Map<string, string>();

/** The Codex fake as a direct target: the headers and body of the request the gateway just sent it. */
async function replayTarget(options: {
  context: ScenarioContext;
  gatewayCodex: Target;
  stream: boolean;
}): Promise<Target> {
  const { upstreams } = options.context.env;
  const response = await fetch(`${options.gatewayCodex.url.href}`, {
    method: 'POST',
    headers: { ...options.gatewayCodex.headers, 'content-type': 'application/json' },
    body: chatBody({ model: options.gatewayCodex.model, stream: options.stream }),
  });
  if (response.status !== 200) throw new Error(`the Codex path answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
  const recorded = (await (await fetch(`${upstreams.codexUrl}/__testkit/requests`)).json()) as {
    requests: { method: string; path: string; headers: Record<string, string>; text: string }[];
  };
  const last = recorded.requests.findLast(
    (request) => request.method === 'POST' && request.path.endsWith('/codex/responses'),
  );
  if (last == null) throw new Error('the Codex fake recorded no /codex/responses request');
  replayBodies.set(options.stream ? 'stream' : 'non-stream', last.text);
  const headers = Object.fromEntries(Object.entries(last.headers).filter(([name]) => !HOP_HEADERS.has(name)));
  return createTarget({
    name: 'direct-codex',
    url: `${upstreams.codexBaseUrl}/codex/responses`,
    headers,
    model: CODEX_MODEL,
  });
}
