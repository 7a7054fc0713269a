import { readFileSync } from 'node:fs';
import { readFixtureLines } from './read-fixture-lines.ts';

export type FixtureProvider = 'codex' | 'openai' | 'gemini';
export type FixtureFile = { name: string; directory: URL; kind: 'stream' | 'error'; provider: FixtureProvider };

export type FinishExpectation = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error';

/** What the adapter must make of a recording, read from the recording itself (never from its file name). */
export type FixtureExpectation =
  | {
      outcome: 'thrown';
      /** `usage-limit`: a `UsageLimitError`; `connection`: an `UpstreamConnectionError`; else a `ProviderError`. */
      errorKind: 'usage-limit' | 'connection' | 'api';
      statusCode: number | undefined;
      isRetryable: boolean;
    }
  | {
      outcome: 'stream';
      finish: FinishExpectation;
      /** The answer's text and reasoning: every delta the upstream sent, joined. */
      text: string;
      reasoning: string;
      toolCalls: { name: string; input: unknown }[];
      /** Error parts: one for a failure after output, one per line that is not JSON. */
      errorParts: number;
      /** The upstream's output-token count in its usage, when it sent one. */
      outputTokens: number | undefined;
      /** Chat completions end with `data: [DONE]` only when the upstream finished (the recordings leave it out). */
      isComplete: boolean;
    };

type Json = Record<string, unknown>;
type Line = { json: Json } | { unparsable: string };

/**
 * Reads a recording of the fakes (or one of ours) and states what the adapter must produce: the protocol facts of
 * docs/codex-protocol.md (Responses events, §6–§7) and docs/google-protocol.md (Gemini), and OpenAI's chat chunks.
 * A failure before any output is thrown (docs/architecture.md §3.5, §3.6); after output it is an error part and the
 * finish reason `error`.
 */
export function readFixtureExpectation(fixture: FixtureFile): FixtureExpectation {
  if (fixture.kind === 'error') return readErrorAnswer(fixture);
  // A line starting with `:` is an SSE comment (a keep-alive, OpenRouter's "processing"), not an event.
  const lines = readFixtureLines(fixture.directory, fixture.name)
    .filter((text) => !text.startsWith(':'))
    .map((text): Line => {
      try {
        return { json: JSON.parse(text) as Json };
      } catch {
        return { unparsable: text };
      }
    });
  const unparsable = lines.filter((line) => 'unparsable' in line).length;
  const events = lines.flatMap((line) => ('json' in line ? [line.json] : []));
  switch (fixture.provider) {
    case 'codex':
      return readResponsesEvents(events, unparsable);
    case 'openai':
      return readChatChunks(events, unparsable);
    case 'gemini':
      return readGeminiChunks(events, unparsable);
  }
}

/** `{status, headers, body}`: a refusal before any stream. */
function readErrorAnswer(fixture: FixtureFile): FixtureExpectation {
  const { status, body } = JSON.parse(
    readFileSync(new URL(`${fixture.name}.error.json`, fixture.directory), 'utf8'),
  ) as {
    status: number;
    body: { error?: Json };
  };
  const isUsageLimit = body.error?.type === 'usage_limit_reached' || body.error?.code === 'usage_limit_reached';
  return {
    outcome: 'thrown',
    errorKind: isUsageLimit ? 'usage-limit' : 'api',
    statusCode: status,
    // A usage limit lasts hours: retrying is pointless; a rate limit and a server error pass.
    isRetryable: !isUsageLimit && (status === 429 || status >= 500),
  };
}

/** Codex error codes in `response.failed` / `error` events, as HTTP would state them (docs/codex-protocol.md §7). */
function statusOfResponsesError(error: Json): { errorKind: 'usage-limit' | 'api'; statusCode: number } {
  const code = String(error.code ?? error.type ?? '');
  if (code === 'usage_limit_reached') return { errorKind: 'usage-limit', statusCode: 429 };
  if (code === 'rate_limit_exceeded') return { errorKind: 'api', statusCode: 429 };
  if (code === 'usage_not_included') return { errorKind: 'api', statusCode: 403 };
  if (code === 'context_length_exceeded' || error.type === 'invalid_request_error') {
    return { errorKind: 'api', statusCode: 400 };
  }
  return { errorKind: 'api', statusCode: 500 };
}

function thrownBeforeOutput(failure: {
  errorKind: 'usage-limit' | 'api' | 'connection';
  statusCode: number | undefined;
}) {
  const { statusCode } = failure;
  return {
    outcome: 'thrown' as const,
    ...failure,
    isRetryable:
      failure.errorKind === 'connection' ||
      (failure.errorKind === 'api' && statusCode != null && (statusCode === 429 || statusCode >= 500)),
  };
}

function readResponsesEvents(events: Json[], unparsable: number): FixtureExpectation {
  const deltas = (type: string) =>
    events
      .filter((event) => event.type === type)
      .map((event) => String(event.delta))
      .join('');
  const text = deltas('response.output_text.delta');
  const reasoning = deltas('response.reasoning_summary_text.delta');
  const toolCalls = events
    .filter((event) => event.type === 'response.output_item.done' && (event.item as Json).type === 'function_call')
    .map((event) => {
      const item = event.item as Json;
      return { name: String(item.name), input: JSON.parse(String(item.arguments)) };
    });
  const hasOutput = text !== '' || reasoning !== '' || toolCalls.length > 0;
  const terminal = events.find((event) =>
    ['response.completed', 'response.incomplete', 'response.failed', 'error'].includes(String(event.type)),
  );
  const response = (terminal?.response ?? {}) as Json;
  const usage = response.usage as Json | null | undefined;
  const stream = (finish: FinishExpectation, errorParts = 0): FixtureExpectation => ({
    outcome: 'stream',
    finish,
    text,
    reasoning,
    toolCalls,
    errorParts: errorParts + unparsable,
    outputTokens: typeof usage?.output_tokens === 'number' ? usage.output_tokens : undefined,
    isComplete: true,
  });
  if (terminal == null) {
    // Cut off before a terminal event: the stream must not look complete.
    return hasOutput ? stream('error', 1) : thrownBeforeOutput({ errorKind: 'connection', statusCode: undefined });
  }
  if (terminal.type === 'response.completed') return stream(toolCalls.length > 0 ? 'tool-calls' : 'stop');
  if (terminal.type === 'response.incomplete') {
    const reason = (response.incomplete_details as Json | null)?.reason;
    if (reason === 'max_output_tokens') return stream('length');
    if (reason === 'content_filter') return stream('content-filter');
    // Any other reason (`interrupted`) is an answer the server cut short: a failure (docs/codex-protocol.md §6.2).
    return stream('error', 1);
  }
  // An `error` event carries its error at the top level or in `error`; `response.failed` in `response.error`.
  const error = (terminal.type === 'error' ? (terminal.error ?? terminal) : response.error) as Json;
  return hasOutput ? stream('error', 1) : thrownBeforeOutput(statusOfResponsesError(error));
}

const CHAT_FINISH: Readonly<Record<string, FinishExpectation>> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool-calls',
  content_filter: 'content-filter',
};

function readChatChunks(events: Json[], unparsable: number): FixtureExpectation {
  let text = '';
  let reasoning = '';
  let finishReason: string | undefined;
  let outputTokens: number | undefined;
  const calls = new Map<number, { name: string; arguments: string }>();
  let error: Json | undefined;
  for (const event of events) {
    if (event.error != null) {
      error = event.error as Json;
      break;
    }
    const usage = event.usage as Json | null | undefined;
    if (typeof usage?.completion_tokens === 'number') outputTokens = usage.completion_tokens;
    for (const choice of (event.choices ?? []) as Json[]) {
      const delta = (choice.delta ?? {}) as Json;
      if (typeof delta.content === 'string') text += delta.content;
      const thought = delta.reasoning_content ?? delta.reasoning;
      if (typeof thought === 'string') reasoning += thought;
      for (const call of (delta.tool_calls ?? []) as Json[]) {
        const index = Number(call.index);
        const entry = calls.get(index) ?? { name: '', arguments: '' };
        const fn = (call.function ?? {}) as Json;
        if (typeof fn.name === 'string') entry.name += fn.name;
        if (typeof fn.arguments === 'string') entry.arguments += fn.arguments;
        calls.set(index, entry);
      }
      if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
    }
  }
  const toolCalls = [...calls.values()].map((call) => ({ name: call.name, input: JSON.parse(call.arguments) }));
  const hasOutput = text !== '' || reasoning !== '' || toolCalls.length > 0;
  if (error != null && !hasOutput) {
    const statusCode = error.type === 'server_error' ? 500 : error.code === 'rate_limit_exceeded' ? 429 : 400;
    return thrownBeforeOutput({ errorKind: 'api', statusCode });
  }
  const finish = error != null || finishReason == null ? 'error' : (CHAT_FINISH[finishReason] ?? 'stop');
  return {
    outcome: 'stream',
    finish,
    text,
    reasoning,
    toolCalls,
    errorParts: (finish === 'error' ? 1 : 0) + unparsable,
    outputTokens: finish === 'error' ? undefined : outputTokens,
    isComplete: finish !== 'error',
  };
}

const GEMINI_FINISH: Readonly<Record<string, FinishExpectation>> = {
  STOP: 'stop',
  MAX_TOKENS: 'length',
  SAFETY: 'content-filter',
  RECITATION: 'content-filter',
  PROHIBITED_CONTENT: 'content-filter',
  BLOCKLIST: 'content-filter',
  SPII: 'content-filter',
};

function readGeminiChunks(events: Json[], unparsable: number): FixtureExpectation {
  let text = '';
  let reasoning = '';
  let finishReason: string | undefined;
  let outputTokens: number | undefined;
  const toolCalls: { name: string; input: unknown }[] = [];
  let error: Json | undefined;
  for (const event of events) {
    if (event.error != null) {
      error = event.error as Json;
      break;
    }
    const blockReason = (event.promptFeedback as Json | undefined)?.blockReason;
    if (typeof blockReason === 'string') finishReason = 'SAFETY';
    const usage = event.usageMetadata as Json | undefined;
    if (typeof usage?.candidatesTokenCount === 'number') {
      outputTokens =
        usage.candidatesTokenCount + (typeof usage.thoughtsTokenCount === 'number' ? usage.thoughtsTokenCount : 0);
    }
    for (const candidate of (event.candidates ?? []) as Json[]) {
      for (const part of (((candidate.content ?? {}) as Json).parts ?? []) as Json[]) {
        if (typeof part.text === 'string') {
          if (part.thought === true) reasoning += part.text;
          else text += part.text;
        }
        const call = part.functionCall as Json | undefined;
        if (call != null) toolCalls.push({ name: String(call.name), input: call.args ?? {} });
      }
      if (typeof candidate.finishReason === 'string') finishReason = candidate.finishReason;
    }
  }
  const hasOutput = text !== '' || reasoning !== '' || toolCalls.length > 0;
  if (error != null && !hasOutput) {
    return thrownBeforeOutput({ errorKind: 'api', statusCode: Number(error.code) });
  }
  let finish: FinishExpectation =
    error != null || finishReason == null ? 'error' : (GEMINI_FINISH[finishReason] ?? 'stop');
  // Gemini ends a turn with function calls on STOP; the calls are what the client must act on.
  if (finish === 'stop' && toolCalls.length > 0) finish = 'tool-calls';
  return {
    outcome: 'stream',
    finish,
    text,
    reasoning,
    toolCalls,
    errorParts: (finish === 'error' ? 1 : 0) + unparsable,
    outputTokens: finish === 'error' || finish === 'content-filter' ? undefined : outputTokens,
    isComplete: finish !== 'error',
  };
}
