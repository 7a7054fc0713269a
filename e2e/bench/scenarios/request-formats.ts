import { OPENAI_MODEL } from '../support/bench-profiles.ts';
import { CHAT_MESSAGES, chatBody, createTarget, type RequestResult, type Target } from '../support/http-client.ts';
import { measureInterleaved } from '../support/measure.ts';
import { apiKeyTargets, type Scenario } from '../support/scenario.ts';
import { percentiles, round } from '../support/summarize.ts';
import { formatMs, ratioOf } from './format.ts';

const ROUTES = ['chat-completions', 'messages', 'responses'] as const;
type Route = (typeof ROUTES)[number];

const [SYSTEM, USER] = CHAT_MESSAGES.map((message) => message.content) as [string, string];

/** The same conversation in each route's own request shape, non-stream. */
const BODIES: Record<Route, (model: string) => string> = {
  'chat-completions': (model) => chatBody({ model, stream: false }),
  // Anthropic Messages: the system prompt is a field of its own, `max_tokens` is required.
  messages: (model) =>
    JSON.stringify({ model, max_tokens: 1024, system: SYSTEM, messages: [{ role: 'user', content: USER }] }),
  // Responses: the system prompt is `instructions`, the user's message `input`.
  responses: (model) => JSON.stringify({ model, instructions: SYSTEM, input: USER }),
};

/**
 * The gateway's other request formats against `/v1/chat/completions`, non-stream, on the same provider (the bench
 * user's OpenAI-compatible key, `openai/gpt-bench`), interleaved in one run with the upstream directly as the
 * baseline: `/v1/messages` (Anthropic's shape, authenticated as Anthropic's SDKs and Claude Code do, `x-api-key`
 * and `anthropic-version`) and `/v1/responses`. On an OpenAI-compatible key both are translated through the common
 * runner, which calls the upstream's `/chat/completions` — the fake's one endpoint; every answer is checked to
 * carry its text in the route's own shape. Overhead = a route's latency − the direct latency, same percentile.
 */
export const requestFormats: Scenario = {
  id: 'request-formats',
  async run(context) {
    const iterations = context.isQuick ? 10 : 1_000;
    const warmup = context.isQuick ? 3 : 100;
    const { direct, gateway } = await apiKeyTargets(context);
    const { url: gatewayUrl, apiKey } = context.env.gateway;
    const routeTarget = (route: Route): Target =>
      createTarget({
        name: route,
        url: `${gatewayUrl}/v1/${route === 'chat-completions' ? 'chat/completions' : route}`,
        headers: route === 'messages' ? { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01' } : gateway.headers,
        model: gateway.model,
      });
    const targets = [
      createTarget({ name: 'direct', url: direct.url.href, headers: direct.headers, model: direct.model }),
      ...ROUTES.map(routeTarget),
    ];
    context.log(`request formats: ${iterations} × ${targets.length} targets after ${warmup} warm-up`);
    const startedAt = Date.now();
    const { series, isTruncated } = await measureInterleaved({
      targets,
      iterations,
      warmup,
      body: (target) =>
        (target.name === 'direct' ? BODIES['chat-completions'] : BODIES[target.name as Route])(target.model),
      deadlineMs: context.isQuick ? 20_000 : 60_000,
      keepBody: true,
    });
    const summaries = Object.fromEntries(
      Object.entries(series).map(([name, results]) => [
        name,
        {
          latencyMs: percentiles(results.map((result) => result.totalMs)),
          selfReportedMs: percentiles(results.map((result) => result.selfReportedMs)),
          errors: results.filter(
            (result) => !isCompleteAnswer(name === 'direct' ? 'chat-completions' : (name as Route), result),
          ).length,
          samples: results.length,
        },
      ]),
    );
    const directLatency = summaries.direct?.latencyMs;
    const derived: Record<string, number> = {};
    for (const route of ROUTES) {
      const through = summaries[route];
      if (through == null || directLatency == null) continue;
      derived[`${route}.overheadP50Ms`] = round(through.latencyMs.p50 - directLatency.p50);
      derived[`${route}.overheadP99Ms`] = round(through.latencyMs.p99 - directLatency.p99);
      if (through.selfReportedMs.n > 0) derived[`${route}.selfReportedP50Ms`] = round(through.selfReportedMs.p50);
    }
    for (const route of ['messages', 'responses'] as const) {
      derived[`${route}.overheadToChatP50`] = round(
        (derived[`${route}.overheadP50Ms`] ?? Number.NaN) / (derived['chat-completions.overheadP50Ms'] ?? Number.NaN),
      );
    }
    const markdown = [
      '| route | p50 | p99 | overhead p50 | overhead p99 | ÷ chat completions (overhead p50) | `x-gateway-overhead-ms` p50 | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
      ...Object.entries(summaries).map(([name, summary]) => {
        const isDirect = name === 'direct';
        const label = isDirect
          ? 'upstream directly (chat completions)'
          : `\`/v1/${name === 'chat-completions' ? 'chat/completions' : name}\``;
        const ratio = name === 'messages' || name === 'responses' ? ratioOf(derived[`${name}.overheadToChatP50`]) : '—';
        return `| ${label} | ${formatMs(summary.latencyMs.p50)} | ${formatMs(summary.latencyMs.p99)} | ${isDirect ? '—' : formatMs(derived[`${name}.overheadP50Ms`])} | ${isDirect ? '—' : formatMs(derived[`${name}.overheadP99Ms`])} | ${ratio} | ${formatMs(derived[`${name}.selfReportedP50Ms`])} | ${summary.errors} |`;
      }),
    ];
    return {
      id: this.id,
      title: `Request formats: \`/v1/messages\` and \`/v1/responses\` vs \`/v1/chat/completions\`, non-stream (N = ${iterations} per target, ${warmup} warm-up)`,
      params: { iterations, warmup, profile: 'instant', model: `openai/${OPENAI_MODEL}` },
      durationMs: Date.now() - startedAt,
      isTruncated,
      targets: summaries,
      derived,
      markdown,
    };
  },
};

/** Status 200 and the answer's text where the route's format puts it (the fake answers non-empty text). */
function isCompleteAnswer(route: Route, result: RequestResult): boolean {
  if (result.status !== 200 || result.body == null) return false;
  try {
    const answer = JSON.parse(result.body) as {
      choices?: { message?: { content?: unknown } }[];
      type?: unknown;
      content?: { type?: unknown; text?: unknown }[];
      status?: unknown;
      output?: { type?: unknown; content?: { type?: unknown; text?: unknown }[] }[];
    };
    const text =
      route === 'chat-completions'
        ? answer.choices?.[0]?.message?.content
        : route === 'messages'
          ? answer.type === 'message'
            ? answer.content?.find((block) => block.type === 'text')?.text
            : undefined
          : answer.status === 'completed'
            ? answer.output
                ?.find((item) => item.type === 'message')
                ?.content?.find((part) => part.type === 'output_text')?.text
            : undefined;
    return typeof text === 'string' && text !== '';
  } catch {
    return false;
  }
}
