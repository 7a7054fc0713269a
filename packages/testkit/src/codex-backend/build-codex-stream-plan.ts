import { isPlainObject } from '../describe-json-type.ts';
import { readLastUserText } from '../read-last-user-text.ts';
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
  /** The validated request body; the response objects echo its settings as the Responses API does. */
  request: Readonly<Record<string, unknown>>;
  /** The model's default effort, echoed when the request names none. */
  defaultEffort: string | undefined;
  /** Seconds since the epoch. */
  createdAt: number;
  /** Makes ids such as `resp_…`, `msg_…`; inject a counter for byte-stable fixtures. */
  createId: (prefix: string) => string;
};

type ResponseFields = {
  status: 'in_progress' | 'completed' | 'incomplete' | 'failed';
  output?: readonly unknown[];
  usage?: Record<string, unknown>;
  error?: Record<string, unknown>;
  incompleteDetails?: { reason: string };
};

/**
 * The event sequence of docs/codex-protocol.md §6.2: created → in_progress → one output item per reasoning, text and
 * function call (each added → parts/deltas → done) → a terminal event. `sequence_number` counts from 0 and every
 * delta carries `item_id`, `output_index` and `content_index` or `summary_index`.
 */
export function buildCodexStreamPlan(options: BuildCodexStreamPlanOptions): CodexStreamPlan {
  const { scenario, request, createId } = options;
  const ending = scenario.ending ?? { kind: 'completed' };
  const deltaCount = scenario.deltaCount ?? 3;
  const events: CodexStreamEvent[] = [];
  const push: Push = (type, fields) => events.push({ type, sequence_number: events.length, ...fields });
  const responseId = createId('resp');
  const reasoning = isPlainObject(request.reasoning) ? request.reasoning : {};
  // The `response` object of created, in_progress and the terminal events (§6.2).
  const response = (fields: ResponseFields) => ({
    id: responseId,
    object: 'response',
    created_at: options.createdAt,
    status: fields.status,
    background: false,
    error: fields.error ?? null,
    incomplete_details: fields.incompleteDetails ?? null,
    instructions: request.instructions ?? null,
    max_output_tokens: null,
    max_tool_calls: null,
    model: request.model,
    output: fields.output ?? [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    prompt_cache_key: request.prompt_cache_key ?? null,
    reasoning: { effort: reasoning.effort ?? options.defaultEffort ?? null, summary: reasoning.summary ?? null },
    service_tier: request.service_tier ?? 'auto',
    store: false,
    temperature: 1,
    text: request.text ?? { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_logprobs: 0,
    top_p: 1,
    truncation: 'disabled',
    usage: fields.usage ?? null,
    user: null,
    metadata: {},
  });

  const inProgress = response({ status: 'in_progress' });
  push('response.created', { response: inProgress });
  push('response.in_progress', { response: inProgress });

  const output: Record<string, unknown>[] = [];
  const item = { push, createId, deltaCount };
  const summaries = scenario.reasoning == null ? [] : [scenario.reasoning].flat();
  if (summaries.length > 0) {
    // Only with `include: ["reasoning.encrypted_content"]`, which store:false clients need to replay reasoning.
    const isEncrypted = Array.isArray(request.include) && request.include.includes('reasoning.encrypted_content');
    output.push(writeReasoning({ ...item, outputIndex: output.length, summaries, isEncrypted }));
  }
  // A bare `{ kind: 'stream' }` still says something; calls and failures stand alone unless text is asked for.
  const shouldDefaultText = scenario.functionCalls == null && ending.kind !== 'failed' && ending.kind !== 'error-event';
  const echo = scenario.echo === true ? `echo: ${readLastUserText(request)}` : undefined;
  const text = scenario.text ?? echo ?? (shouldDefaultText ? FAKE_CODEX_REPLY_TEXT : undefined);
  if (text != null) {
    const status = ending.kind === 'incomplete' ? 'incomplete' : 'completed';
    output.push(writeMessage({ ...item, outputIndex: output.length, text, status }));
  }
  for (const call of scenario.functionCalls ?? []) {
    output.push(writeFunctionCall({ ...item, outputIndex: output.length, call }));
  }

  const usage = buildUsage({ request, scenario, text, summaries });
  const terminalIndex = events.length;
  if (ending.kind === 'completed') {
    push('response.completed', {
      response: response({ status: 'completed', output: ending.isOutputEmpty === true ? [] : output, usage }),
    });
  } else if (ending.kind === 'incomplete') {
    push('response.incomplete', {
      response: response({ status: 'incomplete', output, usage, incompleteDetails: { reason: ending.reason } }),
    });
  } else if (ending.kind === 'failed') {
    push('response.failed', { response: response({ status: 'failed', output, error: ending.error }) });
  } else if (ending.kind === 'error-event') {
    push('error', { error: ending.error });
  }

  const deltaIndices = events.flatMap((event, index) => (event.type.endsWith('.delta') ? [index] : []));
  const afterDeltas = (count: number) => {
    if (count === 0) return deltaIndices[0] ?? terminalIndex;
    const index = deltaIndices[count - 1];
    return index == null ? terminalIndex : index + 1;
  };
  const cut = ending.kind === 'disconnect' ? afterDeltas(ending.afterDeltas ?? deltaIndices.length) : events.length;
  const { stall } = scenario;
  return {
    events: events.slice(0, cut),
    stall: stall == null ? undefined : { beforeEvent: afterDeltas(stall.afterDeltas ?? 0), ms: stall.ms },
    shouldDisconnect: ending.kind === 'disconnect',
  };
}

type Push = (type: string, fields: Record<string, unknown>) => void;
type ItemOptions = { push: Push; createId: (prefix: string) => string; deltaCount: number; outputIndex: number };

function writeReasoning(options: ItemOptions & { summaries: readonly string[]; isEncrypted: boolean }) {
  const { push, outputIndex } = options;
  const id = options.createId('rs');
  push('response.output_item.added', { output_index: outputIndex, item: { id, type: 'reasoning', summary: [] } });
  for (const [summaryIndex, text] of options.summaries.entries()) {
    const at = { item_id: id, output_index: outputIndex, summary_index: summaryIndex };
    push('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
    for (const delta of splitIntoDeltas(text, options.deltaCount)) {
      push('response.reasoning_summary_text.delta', { ...at, delta });
    }
    push('response.reasoning_summary_text.done', { ...at, text });
    push('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text } });
  }
  const summary = options.summaries.map((text) => ({ type: 'summary_text', text }));
  const item: Record<string, unknown> = { id, type: 'reasoning', summary };
  if (options.isEncrypted) {
    // Looks like Fernet output (`gAAAAA…`) and is deterministic, so fixtures stay byte-stable.
    const payload = Buffer.from(JSON.stringify({ fake: 'pag-testkit', id, summary }));
    item.encrypted_content = `gAAAAAB${payload.toString('base64url')}`;
  }
  push('response.output_item.done', { output_index: outputIndex, item });
  return item;
}

function writeMessage(options: ItemOptions & { text: string; status: 'completed' | 'incomplete' }) {
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
  for (const delta of splitIntoDeltas(text, options.deltaCount)) {
    push('response.output_text.delta', { ...at, delta, logprobs: [] });
  }
  push('response.output_text.done', { ...at, text, logprobs: [] });
  const part = { type: 'output_text', annotations: [], logprobs: [], text };
  push('response.content_part.done', { ...at, part });
  const item = { id, type: 'message', status: options.status, content: [part], role: 'assistant' };
  push('response.output_item.done', { output_index: outputIndex, item });
  return item;
}

function writeFunctionCall(options: ItemOptions & { call: FakeCodexFunctionCall }) {
  const { push, outputIndex, call } = options;
  const id = options.createId('fc');
  const callId = call.callId ?? options.createId('call');
  const text = argumentsText(call);
  const item = { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name: call.name };
  push('response.output_item.added', { output_index: outputIndex, item });
  for (const delta of splitIntoDeltas(text, options.deltaCount)) {
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
  const { scenario, request } = options;
  const given: Partial<FakeCodexUsage> = scenario.usage ?? {};
  const calls = (scenario.functionCalls ?? []).map(argumentsText).join('');
  const inputTokens =
    given.inputTokens ?? estimateTokens(JSON.stringify([request.instructions ?? '', request.input ?? []]));
  const reasoningTokens = given.reasoningTokens ?? estimateTokens(options.summaries.join(''));
  const outputTokens = given.outputTokens ?? estimateTokens(`${options.text ?? ''}${calls}`) + reasoningTokens;
  return {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: given.cachedTokens ?? 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
}

function argumentsText(call: FakeCodexFunctionCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

/** At most `count` near-equal pieces, cut between code points so no surrogate pair breaks. */
function splitIntoDeltas(text: string, count: number): string[] {
  const characters = Array.from(text);
  const pieces = Math.min(count, characters.length);
  return Array.from({ length: pieces }, (_, index) =>
    characters
      .slice(Math.floor((index * characters.length) / pieces), Math.floor(((index + 1) * characters.length) / pieces))
      .join(''),
  );
}

function estimateTokens(text: string): number {
  return Math.ceil(Array.from(text).length / 4);
}
