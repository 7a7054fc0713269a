import type { ServerResponse } from 'node:http';
import { ApiRejection } from '../create-authorized-routes.ts';
import { createResponseCloseSignal } from '../create-response-close-signal.ts';
import type { FakeRequest } from '../fake-request.ts';
import { cutStream, sendJsonAnswerLate } from '../reply-interruptions.ts';
import { estimateTokens } from '../split-into-deltas.ts';
import { wait } from '../wait.ts';
import { checkThoughtSignatures } from './check-thought-signatures.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import type { FakeGeminiInterruption } from './fake-gemini-scenario.ts';
import { buildGeminiScenarioError, DEFAULT_GEMINI_STREAM_ERROR } from './fake-gemini-scenario.ts';
import type { GeminiApiContext } from './gemini-api-fake.ts';
import { sendGoogleJson } from './google-api-error.ts';
import { buildBlockedSafetyRatings, buildPartialGeminiUsageMetadata, planGeminiTurn } from './plan-gemini-turn.ts';
import { validateGenerateContentRequest } from './validate-generate-content-request.ts';

/** `:generateContent` and `:streamGenerateContent`: validate, check signatures, then play the next scenario. */
export async function answerGenerateContent(options: {
  context: GeminiApiContext;
  request: FakeRequest;
  body: unknown;
  reply: ServerResponse;
  model: FakeGeminiModel;
  isStream: boolean;
}): Promise<void> {
  const { context, reply, model } = options;
  const parsed = validateGenerateContentRequest({ body: options.body, model });
  checkThoughtSignatures({ contents: parsed.contents, model, registry: context.state.signatures });
  const scenario = context.takeScenario();
  if (scenario.kind === 'http-error') {
    const body = buildGeminiScenarioError(scenario, model.id);
    throw new ApiRejection({ status: body.error.code, body });
  }
  const serial = String(++context.state.serial).padStart(4, '0');
  const stream = {
    context,
    reply,
    isSse: options.request.url.searchParams.get('alt') === 'sse',
    delayMs: context.state.perChunkDelayMs,
  };
  if (scenario.kind === 'blocked-prompt') {
    // No candidates, only `promptFeedback` (sent as the single chunk of a stream too).
    const body = {
      promptFeedback: { blockReason: scenario.blockReason ?? 'SAFETY', safetyRatings: buildBlockedSafetyRatings() },
      usageMetadata: buildPartialGeminiUsageMetadata(estimateTokens(parsed.promptText)),
      modelVersion: model.id,
      responseId: `fake-gemini-response-${serial}`,
    };
    if (options.isStream) await writeGeminiStream({ ...stream, chunks: [body], interruption: undefined });
    else sendGoogleJson(reply, body);
    return;
  }
  const turn = planGeminiTurn({
    ...parsed,
    scenario,
    model,
    serial,
    chunkCount: context.state.chunkCount,
    signatures: context.state.signatures,
  });
  const { interruption } = turn;
  if (options.isStream) {
    await writeGeminiStream({ ...stream, chunks: turn.chunks, interruption });
    return;
  }
  const error = interruption?.kind === 'error' ? (interruption.error ?? DEFAULT_GEMINI_STREAM_ERROR) : undefined;
  await sendJsonAnswerLate({
    context,
    reply,
    latencyMs: turn.chunks.length * stream.delayMs,
    interruption,
    sendError: () => sendGoogleJson(reply, error, error?.error.code),
    sendBody: () => sendGoogleJson(reply, turn.response),
  });
}

/**
 * Streams GenerateContentResponse chunks: with `alt=sse` as events ending in `\r\n\r\n` as Google's do, with no
 * `[DONE]` (the stream ends when the connection closes); otherwise as one JSON array written piece by piece. A
 * mid-stream failure is a bare, pretty-printed error object with no `data:` prefix (docs/google-protocol.md §3.5).
 */
async function writeGeminiStream(options: {
  context: GeminiApiContext;
  reply: ServerResponse;
  chunks: readonly Record<string, unknown>[];
  interruption: FakeGeminiInterruption | undefined;
  isSse: boolean;
  delayMs: number;
}): Promise<void> {
  const { reply, interruption, isSse, chunks } = options;
  const signal = createResponseCloseSignal(reply);
  reply.writeHead(200, {
    'content-type': isSse ? 'text/event-stream' : 'application/json; charset=UTF-8',
    'cache-control': 'no-cache',
    vary: 'Origin, X-Origin, Referer',
  });
  reply.flushHeaders();
  // An interrupted stream never gets its last chunk, so it cannot look finished.
  const written =
    interruption == null ? chunks : chunks.slice(0, Math.min(interruption.afterChunks, Math.max(0, chunks.length - 1)));
  const pieces = written.map((chunk, index) =>
    isSse ? `data: ${JSON.stringify(chunk)}\r\n\r\n` : `${index === 0 ? '[' : ',\r\n'}${JSON.stringify(chunk)}`,
  );
  for (const piece of pieces) {
    if (options.delayMs > 0 && !(await wait({ ms: options.delayMs, signal }))) return;
    if (signal.aborted) return;
    if (!reply.write(piece)) await new Promise((resolve) => reply.once('drain', resolve));
  }
  if (interruption?.kind === 'disconnect') {
    await cutStream(options);
    return;
  }
  const opening = pieces.length === 0 ? '[' : ',\r\n';
  if (interruption?.kind === 'error') {
    const error = JSON.stringify(interruption.error ?? DEFAULT_GEMINI_STREAM_ERROR, null, 2);
    reply.end(isSse ? `${error}\n` : `${opening}${error}]`);
  } else reply.end(isSse ? '' : pieces.length === 0 ? '[]' : ']');
}
