import { isPlainObject } from '../describe-json-type.ts';
import { readLastUserText } from '../read-last-user-text.ts';
import { estimateTokens, splitIntoDeltas } from '../split-into-deltas.ts';
import { buildSchemaInstance } from './build-schema-instance.ts';
import type { FakeCodexFunctionCall, FakeCodexStreamScenario } from './fake-codex-scenario.ts';
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

type ResponseFields = { status: string; output?: object[]; usage?: object; error?: object; incompleteDetails?: object };

/**
 * The events of docs/codex-protocol.md §6.2: created, in_progress, an output item per reasoning, text and call (added,
 * parts and deltas, done), a terminal event. The `response` objects echo the request's settings.
 */
export function buildCodexStreamPlan(options: {
  scenario: FakeCodexStreamScenario;
  request: Readonly<Record<string, unknown>>;
  defaultEffort: string | undefined;
  createdAt: number;
  createId: (prefix: string) => string;
}): CodexStreamPlan {
  const { scenario, request, createId } = options;
  const ending = scenario.ending ?? { kind: 'completed' };
  const events: CodexStreamEvent[] = [];
  const push = (type: string, fields: object) => events.push({ type, sequence_number: events.length, ...fields });
  const count = scenario.deltaCount ?? 3;
  const deltas = (text: string, type: string, at: object, extra: object = {}) => {
    for (const delta of count > 0 ? splitIntoDeltas({ text, count }) : []) push(type, { ...at, delta, ...extra });
  };
  const responseId = createId('resp');
  const reasoning = isPlainObject(request.reasoning) ? request.reasoning : {};
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

  const output: object[] = [];
  const added = (item: object) => push('response.output_item.added', { output_index: output.length, item });
  const done = (item: object) => {
    push('response.output_item.done', { output_index: output.length, item });
    output.push(item);
  };
  const summaries = scenario.reasoning == null ? [] : [scenario.reasoning].flat();
  if (summaries.length > 0) {
    const id = createId('rs');
    added({ id, type: 'reasoning', summary: [] });
    for (const [summaryIndex, text] of summaries.entries()) {
      const at = { item_id: id, output_index: output.length, summary_index: summaryIndex };
      push('response.reasoning_summary_part.added', { ...at, part: { type: 'summary_text', text: '' } });
      deltas(text, 'response.reasoning_summary_text.delta', at);
      push('response.reasoning_summary_text.done', { ...at, text });
      push('response.reasoning_summary_part.done', { ...at, part: { type: 'summary_text', text } });
    }
    const summary = summaries.map((text) => ({ type: 'summary_text', text }));
    // Asked for by store:false clients to replay reasoning; Fernet-like (`gAAAAA…`) and deterministic for fixtures.
    const isEncrypted = Array.isArray(request.include) && request.include.includes('reasoning.encrypted_content');
    const payload = Buffer.from(JSON.stringify({ fake: 'pag-testkit', id, summary })).toString('base64url');
    done({ id, type: 'reasoning', summary, ...(isEncrypted ? { encrypted_content: `gAAAAAB${payload}` } : {}) });
  }
  // A bare `{ kind: 'stream' }` still says something; calls and failures stand alone unless text is asked for.
  const isTextDefault = scenario.functionCalls == null && ending.kind !== 'failed' && ending.kind !== 'error-event';
  const echo = scenario.echo === true ? `echo: ${readLastUserText(request)}` : undefined;
  const json = scenario.json === true ? JSON.stringify(buildSchemaInstance(requestedSchema(request)) ?? {}) : undefined;
  const text = scenario.text ?? json ?? echo ?? (isTextDefault ? FAKE_CODEX_REPLY_TEXT : undefined);
  if (text != null) {
    const id = createId('msg');
    added({ id, type: 'message', status: 'in_progress', content: [], role: 'assistant' });
    const at = { item_id: id, output_index: output.length, content_index: 0 };
    const part = { type: 'output_text', annotations: [], logprobs: [], text };
    push('response.content_part.added', { ...at, part: { ...part, text: '' } });
    deltas(text, 'response.output_text.delta', at, { logprobs: [] });
    push('response.output_text.done', { ...at, text, logprobs: [] });
    push('response.content_part.done', { ...at, part });
    const status = ending.kind === 'incomplete' ? 'incomplete' : 'completed';
    done({ id, type: 'message', status, content: [part], role: 'assistant' });
  }
  for (const call of scenario.functionCalls ?? []) {
    const id = createId('fc');
    const callId = call.callId ?? createId('call');
    const item = { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: callId, name: call.name };
    added(item);
    const at = { item_id: id, output_index: output.length };
    deltas(argumentsText(call), 'response.function_call_arguments.delta', at);
    push('response.function_call_arguments.done', { ...at, arguments: argumentsText(call) });
    done({ ...item, status: 'completed', arguments: argumentsText(call) });
  }

  // §6.2 usage: integers, with cached and reasoning details; unset counts are estimated.
  const given = scenario.usage ?? {};
  const inputTokens =
    given.inputTokens ?? estimateTokens(JSON.stringify([request.instructions ?? '', request.input ?? []]));
  const reasoningTokens = given.reasoningTokens ?? estimateTokens(summaries.join(''));
  const calls = (scenario.functionCalls ?? []).map(argumentsText).join('');
  const outputTokens = given.outputTokens ?? estimateTokens(`${text ?? ''}${calls}`) + reasoningTokens;
  const usage = {
    input_tokens: inputTokens,
    input_tokens_details: { cached_tokens: given.cachedTokens ?? 0 },
    output_tokens: outputTokens,
    output_tokens_details: { reasoning_tokens: reasoningTokens },
    total_tokens: inputTokens + outputTokens,
  };
  const terminalIndex = events.length;
  if (ending.kind === 'completed') {
    const completed = response({ status: 'completed', output: ending.isOutputEmpty === true ? [] : output, usage });
    push('response.completed', { response: completed });
  } else if (ending.kind === 'incomplete') {
    const incompleteDetails = { reason: ending.reason };
    push('response.incomplete', { response: response({ status: 'incomplete', output, usage, incompleteDetails }) });
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
  const { stall } = scenario;
  const cut = ending.kind === 'disconnect' ? afterDeltas(ending.afterDeltas ?? deltaIndices.length) : undefined;
  return {
    events: events.slice(0, cut),
    stall: stall == null ? undefined : { beforeEvent: afterDeltas(stall.afterDeltas ?? 0), ms: stall.ms },
    shouldDisconnect: ending.kind === 'disconnect',
  };
}

function argumentsText(call: FakeCodexFunctionCall): string {
  return typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
}

/** The `text.format.schema` of a `json_schema` request, for a structured answer. */
function requestedSchema(request: Readonly<Record<string, unknown>>): unknown {
  const text = isPlainObject(request.text) ? request.text : {};
  const format = isPlainObject(text.format) ? text.format : {};
  return format.type === 'json_schema' ? format.schema : undefined;
}
