import { OPENAI_MODEL } from '../support/bench-profiles.ts';
import { CHAT_MESSAGES, chatBody, createTarget, type RequestResult, type Target } from '../support/http-client.ts';
import { isFailure, measureInterleaved } from '../support/measure.ts';
import { apiKeyTargets, type Scenario } from '../support/scenario.ts';
import { percentiles, round } from '../support/summarize.ts';
import { formatMs, ratioOf } from './format.ts';

/** The six targets of the one interleaved run: each route non-stream and streamed, and the upstream directly. */
const NAMES = {
  direct: 'direct',
  v1: 'gateway-v1',
  noteChat: 'gateway-note-chat',
  directStream: 'direct-stream',
  v1Stream: 'gateway-v1-stream',
  noteStream: 'gateway-note-stream',
} as const;

/**
 * The note-app API (`/api/ai/chat`, `/api/ai/stream`, docs/note-app-api.md) against `/v1/chat/completions` on the
 * same provider — the bench user's OpenAI-compatible key, `openai/gpt-bench`, with the same API key — all six
 * targets in one interleaved run, so the ratios compare numbers taken side by side. Overhead is each route's latency
 * minus the upstream's own at the same percentile: the upstream's time for the request the route makes. `/v1`
 * relays a non-stream request, so its baseline is the direct non-stream call; `/api/ai/chat` asks the upstream for
 * a stream (an answer longer than the first-byte timeout must not fail, docs/note-app-api.md) and collects it, so its
 * baseline is the direct stream's whole latency. The fake upstream takes longer to write sixteen chunks than one
 * body (about 0.02 ms); against the non-stream call that upstream time would count as the gateway's. That figure
 * is reported beside it (`note-app.overheadVsNonStreamUpstream…`).
 *
 * First byte, on both streaming routes: the first byte of the response body, which is the stream's first event.
 * On `/api/ai/stream` that is always an event with content (the route answers nothing before the model's first
 * output; every answer is checked to open with a `delta` event), on `/v1/chat/completions` it is the role chunk
 * the upstream sends with its headers, which the instant upstream follows with the first content delta in the
 * same write burst — so on both it is the moment the answer starts to arrive, as in the sequential-stream scenario.
 */
export const noteAppApi: Scenario = {
  id: 'note-app-api',
  async run(context) {
    const iterations = context.isQuick ? 10 : 1_000;
    const warmup = context.isQuick ? 3 : 100;
    const { direct, gateway } = await apiKeyTargets(context);
    // Each target its own keep-alive pool, as everywhere in the bench.
    const copy = (target: Target, name: string, url = target.url.href) =>
      createTarget({ name, url, headers: target.headers, model: target.model });
    const targets: Target[] = [
      copy(direct, NAMES.direct),
      copy(gateway, NAMES.v1),
      copy(gateway, NAMES.noteChat, `${context.env.gateway.url}/api/ai/chat`),
      copy(direct, NAMES.directStream),
      copy(gateway, NAMES.v1Stream),
      copy(gateway, NAMES.noteStream, `${context.env.gateway.url}/api/ai/stream`),
    ];
    const isStream = (name: string) => name.endsWith('-stream');
    const isNoteApp = (name: string) => name === NAMES.noteChat || name === NAMES.noteStream;
    context.log(`note-app API: ${iterations} × ${targets.length} targets after ${warmup} warm-up`);
    const startedAt = Date.now();
    const { series, isTruncated } = await measureInterleaved({
      targets,
      iterations,
      warmup,
      body: (target) =>
        isNoteApp(target.name)
          ? // The note-app body: the same conversation as the chat body, in the note-app shape.
            JSON.stringify({ model: target.model, messages: CHAT_MESSAGES })
          : chatBody({ model: target.model, stream: isStream(target.name) }),
      deadlineMs: context.isQuick ? 20_000 : 60_000,
      keepBody: true,
    });
    const summaries = Object.fromEntries(
      Object.entries(series).map(([name, results]) => [
        name,
        {
          latencyMs: percentiles(results.map((result) => result.totalMs)),
          firstByteMs: percentiles(results.map((result) => result.firstByteMs)),
          errors: results.filter((result) => !isCompleteAnswer(name, result)).length,
          samples: results.length,
        },
      ]),
    );
    const derived: Record<string, number> = {};
    const at = (name: string) => summaries[name];
    const overheadOf = (name: string, baseline: string, field: 'latencyMs' | 'firstByteMs', p: 'p50' | 'p99') =>
      round((at(name)?.[field][p] ?? Number.NaN) - (at(baseline)?.[field][p] ?? Number.NaN));
    for (const p of ['p50', 'p99'] as const) {
      const P = p.toUpperCase();
      derived[`v1.overhead${P}Ms`] = overheadOf(NAMES.v1, NAMES.direct, 'latencyMs', p);
      derived[`note-app.overhead${P}Ms`] = overheadOf(NAMES.noteChat, NAMES.directStream, 'latencyMs', p);
      derived[`note-app.overheadVsNonStreamUpstream${P}Ms`] = overheadOf(NAMES.noteChat, NAMES.direct, 'latencyMs', p);
      derived[`v1.firstByteOverhead${P}Ms`] = overheadOf(NAMES.v1Stream, NAMES.directStream, 'firstByteMs', p);
      derived[`note-app.firstByteOverhead${P}Ms`] = overheadOf(NAMES.noteStream, NAMES.directStream, 'firstByteMs', p);
    }
    derived['note-app.overheadToV1P50'] = round(
      (derived['note-app.overheadP50Ms'] ?? Number.NaN) / (derived['v1.overheadP50Ms'] ?? Number.NaN),
    );
    derived['note-app.firstByteOverheadToV1P50'] = round(
      (derived['note-app.firstByteOverheadP50Ms'] ?? Number.NaN) / (derived['v1.firstByteOverheadP50Ms'] ?? Number.NaN),
    );
    const row = (label: string, name: string, baseline: string, field: 'latencyMs' | 'firstByteMs') => {
      const through = at(name);
      const isDirect = name === baseline;
      const added = (p: 'p50' | 'p99') => (isDirect ? '—' : formatMs(overheadOf(name, baseline, field, p)));
      return `| ${label} | ${formatMs(through?.[field].p50)} | ${formatMs(through?.[field].p99)} | ${added('p50')} | ${added('p99')} | ${through?.errors ?? 0} |`;
    };
    const markdown = [
      '| route | p50 | p99 | overhead p50 | overhead p99 | errors |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      row('upstream directly, non-stream (latency)', NAMES.direct, NAMES.direct, 'latencyMs'),
      row('`/v1/chat/completions`, non-stream (latency)', NAMES.v1, NAMES.direct, 'latencyMs'),
      row('upstream directly, stream (latency)', NAMES.directStream, NAMES.directStream, 'latencyMs'),
      row(
        '`/api/ai/chat` (latency; its upstream request is a stream)',
        NAMES.noteChat,
        NAMES.directStream,
        'latencyMs',
      ),
      row('upstream directly, stream (first byte)', NAMES.directStream, NAMES.directStream, 'firstByteMs'),
      row('`/v1/chat/completions`, stream (first byte)', NAMES.v1Stream, NAMES.directStream, 'firstByteMs'),
      row('`/api/ai/stream` (first byte)', NAMES.noteStream, NAMES.directStream, 'firstByteMs'),
      '',
      `Note-app overhead ÷ \`/v1\` overhead (p50): ${ratioOf(derived['note-app.overheadToV1P50'])} non-stream (\`/api/ai/chat\`), ${ratioOf(derived['note-app.firstByteOverheadToV1P50'])} stream first byte (\`/api/ai/stream\`). First byte: the stream's first event (on \`/api/ai/stream\` always one with content). \`/api/ai/chat\`'s overhead is measured against the upstream's stream, the request it makes; against the non-stream call it reads ${formatMs(derived['note-app.overheadVsNonStreamUpstreamP50Ms'])} (p50).`,
    ];
    return {
      id: this.id,
      title: `Note-app API vs \`/v1/chat/completions\`, same provider (N = ${iterations} per target, ${warmup} warm-up)`,
      params: { iterations, warmup, profile: 'instant', model: `openai/${OPENAI_MODEL}` },
      durationMs: Date.now() - startedAt,
      isTruncated,
      targets: summaries,
      derived,
      markdown,
    };
  },
};

/**
 * A whole, successful answer in the route's own shape: the OpenAI completion or stream (ended by `[DONE]`), the
 * note-app JSON answer, or the note-app event stream — which opens with a `delta` event and ends with `done`
 * (docs/note-app-api.md §4).
 */
function isCompleteAnswer(name: string, result: RequestResult): boolean {
  if (result.status !== 200 || result.body == null) return false;
  if (name === NAMES.noteStream) {
    const events = [...result.body.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    return events[0] === 'delta' && events.at(-1) === 'done' && !events.includes('error');
  }
  if (name === NAMES.directStream || name === NAMES.v1Stream) return !isFailure(result, { isStream: true });
  try {
    const answer = JSON.parse(result.body) as {
      content?: unknown;
      finishReason?: unknown;
      choices?: { message?: { content?: unknown } }[];
    };
    const text = name === NAMES.noteChat ? answer.content : answer.choices?.[0]?.message?.content;
    return typeof text === 'string' && text !== '' && (name !== NAMES.noteChat || answer.finishReason === 'stop');
  } catch {
    return false;
  }
}
