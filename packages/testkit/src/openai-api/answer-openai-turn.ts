import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { ApiRejection } from '../create-authorized-routes.ts';
import { takeSerial } from '../model-api-state.ts';
import { planReplyText } from '../plan-reply-text.ts';
import { readLastUserText } from '../read-last-user-text.ts';
import { cutStream, sendJsonAnswerLate } from '../reply-interruptions.ts';
import { sendJson } from '../send-json.ts';
import { estimateTokens, splitIntoDeltas } from '../split-into-deltas.ts';
import type { SseEvent } from '../write-sse.ts';
import { writeSse } from '../write-sse.ts';
import type { FakeOpenAiHttpErrorScenario, FakeOpenAiInterruption } from './fake-openai-scenario.ts';
import type { OpenAiApiContext } from './openai-api-fake.ts';
import type { OpenAiErrorBody } from './openai-request-checks.ts';
import { openAiError, sendOpenAiRejection } from './openai-request-checks.ts';
import type { ChatCompletionRequest } from './validate-chat-completion-request.ts';

/** One answer, independent of the wire format; chat completions and responses both render it. */
export type OpenAiTurn = {
  /** The number in every id of this turn (`chatcmpl-…`, `resp_…`, `msg_…`). */
  serial: string;
  created: number;
  model: string;
  reasoning: string;
  reasoningDeltas: string[];
  text: string;
  textDeltas: string[];
  toolCalls: { id: string; name: string; arguments: string; argumentDeltas: string[] }[];
  finishReason: 'stop' | 'length' | 'content_filter' | 'tool_calls';
  usage: { promptTokens: number; completionTokens: number; cachedTokens: number; reasoningTokens: number };
  interruption: FakeOpenAiInterruption | undefined;
};

/** One SSE event; `isDelta` marks text, reasoning and argument deltas, which interruptions count. */
export type OpenAiStreamFrame = SseEvent & { data: Record<string, unknown>; isDelta: boolean };

/** A turn in one wire format: the JSON answer, the stream, and what ends the stream normally or on a failure. */
export type OpenAiRendering = {
  body: unknown;
  frames: OpenAiStreamFrame[];
  closingEvents: SseEvent[];
  failureEvents(options: { writtenCount: number; error: OpenAiErrorBody['error'] }): SseEvent[];
};

/** The error a stream carries when it fails part-way, unless the scenario names another. */
const DEFAULT_STREAM_ERROR = {
  message: 'The server had an error while processing your request. Sorry about that!',
  type: 'server_error',
  param: null,
  code: null,
};

/** Plays the next scenario for a valid request: an error status, or the reply as JSON or a stream. */
export async function answerOpenAiTurn(options: {
  context: OpenAiApiContext;
  reply: ServerResponse;
  request: Omit<ChatCompletionRequest, 'shouldIncludeUsage'>;
  render(turn: OpenAiTurn): OpenAiRendering;
}): Promise<void> {
  const { context, reply, request } = options;
  const scenario = context.takeScenario();
  if (scenario.kind === 'http-error') throw buildScenarioError(scenario, request.model.id);
  const serial = takeSerial(context.state);
  const count = scenario.chunkCount ?? context.state.chunkCount;
  const reasoning = scenario.reasoning ?? '';
  const calls = scenario.toolCalls ?? [];
  const { text, isCut } = planReplyText({
    scenario,
    lastUserText: readLastUserText(request.body),
    hasCalls: calls.length > 0,
    reasoning,
    maxOutputTokens: request.maxOutputTokens,
  });
  const toolCalls = (isCut ? [] : calls).map((call, index) => {
    const argumentsText = typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments);
    const argumentDeltas = splitIntoDeltas({ text: argumentsText, count });
    return { id: call.id ?? `call_fake_${serial}_${index}`, name: call.name, arguments: argumentsText, argumentDeltas };
  });
  const { usage = {}, interruption } = scenario;
  const reasoningTokens = usage.reasoningTokens ?? estimateTokens(reasoning);
  const callTokens = toolCalls.reduce((sum, call) => sum + estimateTokens(call.arguments), 0);
  const rendering = options.render({
    serial,
    created: Math.floor(context.now() / 1000),
    model: request.model.id,
    reasoning,
    reasoningDeltas: splitIntoDeltas({ text: reasoning, count }),
    text,
    textDeltas: splitIntoDeltas({ text, count }),
    toolCalls,
    finishReason: isCut ? 'length' : (scenario.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop')),
    usage: {
      promptTokens: usage.promptTokens ?? estimateTokens(request.promptText),
      completionTokens: usage.completionTokens ?? reasoningTokens + estimateTokens(text) + callTokens,
      cachedTokens: usage.cachedTokens ?? 0,
      reasoningTokens,
    },
    interruption,
  });

  const error = interruption?.kind === 'error' ? (interruption.error ?? DEFAULT_STREAM_ERROR) : DEFAULT_STREAM_ERROR;
  const { perChunkDelayMs } = context.state;
  if (!request.isStream) {
    await sendJsonAnswerLate({
      context,
      reply,
      latencyMs: rendering.frames.filter((frame) => frame.isDelta).length * perChunkDelayMs,
      interruption,
      sendError: () => sendOpenAiRejection(reply, openAiError({ status: 500, ...error })),
      sendBody: () => sendJson({ reply, body: rendering.body, headers: buildOpenAiResponseHeaders() }),
    });
    return;
  }
  const written = takeFramesBeforeInterruption(rendering.frames, interruption?.afterDeltas);
  const events: SseEvent[] = written.map(({ event, data }) => ({ event, data }));
  if (interruption == null) events.push(...rendering.closingEvents);
  else if (interruption.kind === 'error')
    events.push(...rendering.failureEvents({ writtenCount: written.length, error }));
  const headers = buildOpenAiResponseHeaders();
  const isCutShort = interruption?.kind === 'disconnect';
  const result = await writeSse({ reply, events, delayMs: perChunkDelayMs, headers, shouldEnd: !isCutShort });
  if (isCutShort && !result.hasClientDisconnected) await cutStream({ context, reply });
}

/** The frames written before an interruption after `afterDeltas` deltas; all frames when it never comes. */
function takeFramesBeforeInterruption(frames: OpenAiStreamFrame[], afterDeltas: number | undefined) {
  if (afterDeltas == null) return frames;
  let seen = 0;
  for (const [index, frame] of frames.entries()) {
    if (seen === afterDeltas && frame.isDelta) return frames.slice(0, index);
    if (frame.isDelta) seen += 1;
  }
  // Fewer deltas than asked for: the cut falls before the terminal frame, so the stream still ends abnormally.
  return frames.slice(0, -1);
}

/** An `http-error` scenario; 429, 500 and 503 get the real default bodies, a 429 the exhausted rate-limit headers. */
function buildScenarioError(scenario: FakeOpenAiHttpErrorScenario, model: string): ApiRejection {
  const { status } = scenario;
  const error = (message: string, type: string, code: string | null = null) => ({
    error: { message, type, param: null, code },
  });
  const body =
    scenario.body ??
    (status === 429
      ? error(
          `Rate limit reached for ${model} in organization org-fake on requests per min (RPM): Limit 500, Used 500, ` +
            'Requested 1. Please try again in 1s. Visit https://platform.openai.com/account/rate-limits to learn more.',
          'requests',
          'rate_limit_exceeded',
        )
      : status === 500
        ? { error: DEFAULT_STREAM_ERROR }
        : status === 503
          ? error('The engine is currently overloaded, please try again later', 'server_error')
          : error(`Scripted error with status ${status}.`, status >= 500 ? 'server_error' : 'invalid_request_error'));
  const headers = { ...buildOpenAiResponseHeaders(status === 429), ...scenario.headers };
  return new ApiRejection({ status, body, headers });
}

/** What api.openai.com puts on every model answer; gateways pace themselves by the `x-ratelimit-*` set. */
export function buildOpenAiResponseHeaders(isRateLimited = false): OutgoingHttpHeaders {
  return {
    'openai-processing-ms': '1',
    'openai-version': '2020-10-01',
    'x-ratelimit-limit-requests': '500',
    'x-ratelimit-limit-tokens': '200000',
    'x-ratelimit-remaining-requests': isRateLimited ? '0' : '499',
    'x-ratelimit-remaining-tokens': isRateLimited ? '0' : '199000',
    'x-ratelimit-reset-requests': isRateLimited ? '1s' : '120ms',
    'x-ratelimit-reset-tokens': isRateLimited ? '1s' : '300ms',
    ...(isRateLimited ? { 'retry-after': '1' } : {}),
  };
}
