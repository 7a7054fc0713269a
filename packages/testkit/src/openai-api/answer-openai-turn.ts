import type { ServerResponse } from 'node:http';
import { planReplyText } from '../plan-reply-text.ts';
import { readLastUserText } from '../read-last-user-text.ts';
import { cutStream, sendJsonAnswerLate } from '../reply-interruptions.ts';
import { sendJson } from '../send-json.ts';
import { estimateTokens, splitIntoDeltas } from '../split-into-deltas.ts';
import type { SseEvent } from '../write-sse.ts';
import { writeSse } from '../write-sse.ts';
import type { FakeOpenAiModel } from './fake-openai-model.ts';
import type { FakeOpenAiInterruption, FakeOpenAiReplyScenario } from './fake-openai-scenario.ts';
import type { OpenAiErrorBody } from './openai-api-error.ts';
import { buildScenarioError, DEFAULT_STREAM_ERROR, openAiError, sendOpenAiRejection } from './openai-api-error.ts';
import type { OpenAiApiContext } from './openai-api-fake.ts';
import { buildOpenAiResponseHeaders } from './openai-response-headers.ts';

/** One answer, independent of the wire format; chat completions and responses both render it. */
export type OpenAiTurn = {
  /** The number shared by every id of this turn (`chatcmpl-…`, `resp_…`, `msg_…`), so fixtures stay stable. */
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

/** What chat completions and responses requests have in common, once validated. */
type OpenAiTurnRequest = {
  body: Record<string, unknown>;
  model: FakeOpenAiModel;
  isStream: boolean;
  maxOutputTokens: number | undefined;
  promptText: string;
};

/** A turn in one wire format. */
export type OpenAiRendering = {
  /** The non-streaming answer. */
  body: unknown;
  frames: OpenAiStreamFrame[];
  /** Written after the last frame of an uninterrupted stream (`data: [DONE]` for chat completions). */
  closingEvents: SseEvent[];
  /** What an `error` interruption writes after the frames already written. */
  failureEvents(options: { writtenCount: number; error: OpenAiErrorBody['error'] }): SseEvent[];
};

/**
 * Plays the next scenario for a valid chat completions or responses request: an error status, or the reply as JSON
 * or as a stream, interrupted as the scenario says.
 */
export async function answerOpenAiTurn(options: {
  context: OpenAiApiContext;
  reply: ServerResponse;
  request: OpenAiTurnRequest;
  render(turn: OpenAiTurn): OpenAiRendering;
}): Promise<void> {
  const { context, reply, request } = options;
  const scenario = context.takeScenario();
  if (scenario.kind === 'http-error') throw buildScenarioError(scenario, request.model.id);
  const turn = planOpenAiTurn({ scenario, context, request });
  const { perChunkDelayMs } = context.state;
  const rendering = options.render(turn);
  const { interruption } = turn;
  const error = interruption?.kind === 'error' ? (interruption.error ?? DEFAULT_STREAM_ERROR) : DEFAULT_STREAM_ERROR;
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
  const result = await writeSse({
    reply,
    events,
    delayMs: perChunkDelayMs,
    headers: buildOpenAiResponseHeaders(),
    shouldEnd: interruption?.kind !== 'disconnect',
  });
  if (interruption?.kind === 'disconnect' && !result.hasClientDisconnected) await cutStream({ context, reply });
}

function planOpenAiTurn(options: {
  scenario: FakeOpenAiReplyScenario;
  context: OpenAiApiContext;
  request: OpenAiTurnRequest;
}): OpenAiTurn {
  const { scenario, context, request } = options;
  const serial = String(++context.state.serial).padStart(4, '0');
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
    return {
      id: call.id ?? `call_fake_${serial}_${index}`,
      name: call.name,
      arguments: argumentsText,
      argumentDeltas: splitIntoDeltas({ text: argumentsText, count }),
    };
  });
  const { usage = {} } = scenario;
  const reasoningTokens = usage.reasoningTokens ?? estimateTokens(reasoning);
  const callTokens = toolCalls.reduce((sum, call) => sum + estimateTokens(call.arguments), 0);
  return {
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
    interruption: scenario.interruption,
  };
}

/** The frames written before an interruption after `afterDeltas` deltas; all frames when it never comes. */
function takeFramesBeforeInterruption(
  frames: OpenAiStreamFrame[],
  afterDeltas: number | undefined,
): OpenAiStreamFrame[] {
  if (afterDeltas == null) return frames;
  let seen = 0;
  for (const [index, frame] of frames.entries()) {
    if (seen === afterDeltas && frame.isDelta) return frames.slice(0, index);
    if (frame.isDelta) seen += 1;
  }
  // Fewer deltas than asked for: the cut falls before the terminal frame, so the stream still ends abnormally.
  return frames.slice(0, Math.max(0, frames.length - 1));
}
