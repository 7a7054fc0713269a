import type { ServerResponse } from 'node:http';
import { createResponseCloseSignal } from '../create-response-close-signal.ts';
import { sendJson } from '../send-json.ts';
import { wait } from '../wait.ts';
import { DEFAULT_STREAM_ERROR } from './build-scenario-error.ts';
import { markIntentionalClose } from './fake-client-close.ts';
import { sendOpenAiApiRejection } from './openai-api-error.ts';
import { buildOpenAiResponseHeaders } from './openai-response-headers.ts';
import type { OpenAiTurn } from './plan-openai-turn.ts';

export type SendOpenAiJsonAnswerOptions = {
  reply: ServerResponse;
  turn: OpenAiTurn;
  body: unknown;
  /** Non-streaming answers take as long as the stream would have, so abort and timeout tests work on both. */
  perChunkDelayMs: number;
};

/** Answers a non-streaming request; an interrupted scenario becomes a 500 or a dropped connection. */
export async function sendOpenAiJsonAnswer(options: SendOpenAiJsonAnswerOptions): Promise<void> {
  const { reply, turn } = options;
  const deltaCount =
    turn.reasoningDeltas.length +
    turn.textDeltas.length +
    turn.toolCalls.reduce((sum, call) => sum + call.argumentDeltas.length, 0);
  const latencyMs = deltaCount * options.perChunkDelayMs;
  if (latencyMs > 0 && !(await wait({ ms: latencyMs, signal: createResponseCloseSignal(reply) }))) return;
  const { interruption } = turn;
  if (interruption?.kind === 'disconnect') {
    markIntentionalClose(reply);
    reply.socket?.destroy();
    return;
  }
  if (interruption?.kind === 'error') {
    sendOpenAiApiRejection({
      reply,
      rejection: { status: 500, body: { error: interruption.error ?? DEFAULT_STREAM_ERROR } },
    });
    return;
  }
  sendJson({ reply, body: options.body, headers: buildOpenAiResponseHeaders() });
}
