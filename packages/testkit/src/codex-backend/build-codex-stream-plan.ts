import { buildCodexResponseObject } from './build-codex-response-object.ts';
import type { FakeCodexFunctionCall, FakeCodexStreamScenario, FakeCodexUsage } from './fake-codex-scenario.ts';
import { FAKE_CODEX_REPLY_TEXT } from './fake-codex-scenario.ts';

/** One SSE event's JSON, which repeats its type (the `event:` line carries it too). */
export type CodexStreamEvent = { type: string; sequence_number: number } & Record<string, unknown>;

/** What to write for one stream, decided before the first byte so fixtures and the live fake share it. */
export type CodexStreamPlan = {
  events: CodexStreamEvent[];
  /** Pause for `ms` before writing `events[beforeEvent]` (`events.length`: after the last one). */
  stall: { beforeEvent: number; ms: number } | undefined;
  /** Destroy the socket after the last event instead of ending the response. */
  shouldDisconnect: boolean;
};

export type BuildCodexStreamPlanOptions = {
  scenario: FakeCodexStreamScenario;
  /** The validated request body. */
  request: Readonly<Record<string, unknown>>;
  /** The model's default effort, echoed when the request names none. */
  defaultEffort: string | undefined;
  /** Seconds since the epoch. */
  createdAt: number;
  /** Makes ids such as `resp_…`, `msg_…`; inject a counter for byte-stable fixtures. */
  createId: (prefix: string) => string;
};

const DEFAULT_DELTA_COUNT = 3;

/**
 * The event sequence of docs/codex-protocol.md §6.2: created → in_progress → one output item per reasoning, text and
 * function call (each added → parts/deltas → done) → a terminal event. `sequence_number` counts from 0 and every
 * delta carries `item_id`, `output_index` and `content_index` or `summary_index`.
 */
export function buildCodexStreamPlan(options: BuildCodexStreamPlanOptions): CodexStreamPlan {
  const { scenario, request, createId } = options;
  const ending = scenario.ending ?? { kind: 'completed' };
  const deltaCount = scenario.deltaCount ?? DEFAULT_DELTA_COUNT;
  const events: CodexStreamEvent[] = [];
  const push = (type: string, fields: Record<string, unknown>) => {
    events.push({ type, sequence_number: events.length, ...fields });
  };
  const responseId = createId('resp');
  const response = (fields: Omit<Parameters<typeof buildCodexResponseObject>[0], 'id' | 'createdAt' | 'request'>) =>
    buildCodexResponseObject({ id: responseId, createdAt: options.createdAt, request, ...fields });

  const inProgress = response({ status: 'in_progress', defaultEffort: options.defaultEffort });
  push('response.created', { response: inProgress });
  push('response.in_progress', { response: inProgress });

  const output: Record<string, unknown>[] = [];
  const summaries = toSummaries(scenario.reasoning);
  if (summaries.length > 0) {
    const shouldIncludeEncrypted = includes({ request, value: 'reasoning.encrypted_content' });
    output.push(
      writeReasoning({ push, createId, summaries, deltaCount, outputIndex: output.length, shouldIncludeEncrypted }),
    );
  }
  // A bare `{ kind: 'stream' }` still says something; calls and failures stand alone unless text is asked for.
  const shouldDefaultText = scenario.functionCalls == null && ending.kind !== 'failed' && ending.kind !== 'error-event';
  const echo = scenario.echo === true ? `echo: ${lastUserText(request.input)}` : undefined;
  const text = scenario.text ?? echo ?? (shouldDefaultText ? FAKE_CODEX_REPLY_TEXT : undefined);
  if (text != null) {
    const status = ending.kind === 'incomplete' ? 'incomplete' : 'completed';
    output.push(writeMessage({ push, createId, text, deltaCount, outputIndex: output.length, status }));
  }
  for (const call of scenario.functionCalls ?? []) {
    output.push(writeFunctionCall({ push, createId, call, deltaCount, outputIndex: output.length }));
  }

  const usage = buildUsage({ request, scenario, text, summaries });
  const terminalIndex = events.length;
  switch (ending.kind) {
    case 'completed':
      push('response.completed', {
        response: response({
          status: 'completed',
          defaultEffort: options.defaultEffort,
          output: ending.isOutputEmpty === true ? [] : output,
          usage,
        }),
      });
      break;
    case 'incomplete':
      push('response.incomplete', {
        response: response({
          status: 'incomplete',
          defaultEffort: options.defaultEffort,
          output,
          usage,
          incompleteDetails: { reason: ending.reason },
        }),
      });
      break;
    case 'failed':
      push('response.failed', {
        response: response({ status: 'failed', defaultEffort: options.defaultEffort, output, error: ending.error }),
      });
      break;
    case 'error-event':
      push('error', { error: ending.error });
      break;
    case 'disconnect':
      break;
    default:
      return assertNever(ending);
  }

  const deltaIndices = events.flatMap((event, index) => (event.type.endsWith('.delta') ? [index] : []));
  const afterDelta = (count: number) => {
    if (count === 0) return deltaIndices[0] ?? terminalIndex;
    const index = deltaIndices[count - 1];
    return index == null ? terminalIndex : index + 1;
  };
  const cut = ending.kind === 'disconnect' ? afterDelta(ending.afterDeltas ?? deltaIndices.length) : events.length;
  const stall =
    scenario.stall == null
      ? undefined
      : { beforeEvent: afterDelta(scenario.stall.afterDeltas ?? 0), ms: scenario.stall.ms };
  return { events: events.slice(0, cut), stall, shouldDisconnect: ending.kind === 'disconnect' };
}

/** The text of the last `role: user` message of a Responses `input` list (string or `input_text` parts). */
function lastUserText(input: unknown): string {
  if (!Array.isArray(input)) return '';
  const last = input.findLast(
    (item): item is { content: unknown } => typeof item === 'object' && item != null && item.role === 'user',
  );
  if (last == null) return '';
  if (typeof last.content === 'string') return last.content;
  if (!Array.isArray(last.content)) return '';
  return last.content
    .map((part: { type?: unknown; text?: unknown }) =>
      part.type === 'input_text' && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

type Push = (type: string, fields: Record<string, unknown>) => void;
type ItemOptions = { push: Push; createId: (prefix: string) => string; deltaCount: number; outputIndex: number };

function writeReasoning(
  options: ItemOptions & { summaries: readonly string[]; shouldIncludeEncrypted: boolean },
): Record<string, unknown> {
  const { push, outputIndex } = options;
  const id = options.createId('rs');
  push('response.output_item.added', { output_index: outputIndex, item: { id, type: 'reasoning', summary: [] } });
  for (const [summaryIndex, text] of options.summaries.entries()) {
    const at = { item_id: id, output_index: outputIndex, summary_index: summaryIndex };
    push('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
    for (const delta of splitIntoDeltas({ text, count: options.deltaCount })) {
      push('response.reasoning_summary_text.delta', { ...at, delta });
    }
    push('response.reasoning_summary_text.done', { ...at, text });
    push('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text } });
  }
  const summary = options.summaries.map((text) => ({ type: 'summary_text', text }));
  const item: Record<string, unknown> = { id, type: 'reasoning', summary };
  // Only with `include: ["reasoning.encrypted_content"]`, which store:false clients need to replay reasoning.
  if (options.shouldIncludeEncrypted) item.encrypted_content = fakeEncryptedContent({ id, summary });
  push('response.output_item.done', { output_index: outputIndex, item });
  return item;
}

function writeMessage(
  options: ItemOptions & { text: string; status: 'completed' | 'incomplete' },
): Record<string, unknown> {
  const { push, outputIndex, text } = options;
  const id = options.createId('msg');
  push('response.output_item.added', {
    output_index: outputIndex,
    item: { id, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
  });
  const at = { item_id: id, output_index: outputIndex, content_index: 0 };
  push('response.content_part.added', {
    ...at,
    part: { type: 'output_text', annotations: [], logprobs: [], text: '' },
  });
  for (const delta of splitIntoDeltas({ text, count: options.deltaCount })) {
    push('response.output_text.delta', { ...at, delta, logprobs: [] });
  }
  push('response.output_text.done', { ...at, text, logprobs: [] });
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  push('response.content_part.done', { ...at, part });
  const item = { id, type: 'message', status: options.status, content: [part], role: 'assistant' };
  push('response.output_item.done', { output_index: outputIndex, item });
  return item;
}

function writeFunctionCall(options: ItemOptions & { call: FakeCodexFunctionCall }): Record<string, unknown> {
  const { push, outputIndex, call } = options;
  const id = options.createId('fc');
  const callId = call.callId ?? options.createId('call');
  const text = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
  const item = { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name: call.name };
  push('response.output_item.added', { output_index: outputIndex, item });
  for (const delta of splitIntoDeltas({ text, count: options.deltaCount })) {
    push('response.function_call_arguments.delta', { item_id: id, output_index: outputIndex, delta });
  }
  push('response.function_call_arguments.done', { item_id: id, output_index: outputIndex, arguments: text });
  const done = { ...item, status: 'completed', arguments: text };
  push('response.output_item.done', { output_index: outputIndex, item: done });
  return done;
}

/** §6.2 usage: integers, with cached and reasoning details. Unset counts are estimated from the text. */
function buildUsage(options: {
  request: Readonly<Record<string, unknown>>;
  scenario: FakeCodexStreamScenario;
  text: string | undefined;
  summaries: readonly string[];
}): Record<string, unknown> {
  const { scenario } = options;
  const override: Partial<FakeCodexUsage> = scenario.usage ?? {};
  const argumentsText = (scenario.functionCalls ?? [])
    .map((call) => (typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments)))
    .join('');
  const promptText = JSON.stringify([options.request.instructions ?? '', options.request.input ?? []]);
  const inputTokens = override.inputTokens ?? estimateTokens(promptText);
  const reasoningTokens = override.reasoningTokens ?? estimateTokens(options.summaries.join(''));
  const outputTokens =
    override.outputTokens ?? estimateTokens(`${options.text ?? ''}${argumentsText}`) + reasoningTokens;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: override.cachedTokens ?? 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
}

function toSummaries(reasoning: FakeCodexStreamScenario['reasoning']): readonly string[] {
  if (reasoning == null) return [];
  return typeof reasoning === 'string' ? [reasoning] : reasoning;
}

function includes(options: { request: Readonly<Record<string, unknown>>; value: string }): boolean {
  return Array.isArray(options.request.include) && options.request.include.includes(options.value);
}

/** Looks like Fernet output (`gAAAAA…`) and is deterministic, so fixtures stay byte-stable. */
function fakeEncryptedContent(options: { id: string; summary: unknown }): string {
  const payload = Buffer.from(JSON.stringify({ fake: 'pag-testkit', id: options.id, summary: options.summary }));
  return `gAAAAAB${payload.toString('base64url')}`;
}

/** At most `count` near-equal pieces, cut between code points so no surrogate pair breaks. */
function splitIntoDeltas(options: { text: string; count: number }): string[] {
  const characters = Array.from(options.text);
  const pieces = Math.min(options.count, characters.length);
  return Array.from({ length: pieces }, (_, index) =>
    characters
      .slice(Math.floor((index * characters.length) / pieces), Math.floor(((index + 1) * characters.length) / pieces))
      .join(''),
  );
}

function estimateTokens(text: string): number {
  return Math.ceil(Array.from(text).length / 4);
}

function assertNever(value: never): never {
  throw new TypeError(`unhandled stream ending ${JSON.stringify(value)}`);
}
