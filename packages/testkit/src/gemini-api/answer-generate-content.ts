import type { ServerResponse } from 'node:http';
import { createResponseCloseSignal } from '../create-response-close-signal.ts';
import type { FakeRequest } from '../fake-request.ts';
import { markIntentionalClose } from '../openai-api/fake-client-close.ts';
import { estimateTokens } from '../openai-api/split-into-deltas.ts';
import { wait } from '../wait.ts';
import { buildBlockedPromptResponse } from './build-blocked-prompt-response.ts';
import { buildGeminiChunks } from './build-gemini-chunks.ts';
import { buildGeminiResponse } from './build-gemini-response.ts';
import { buildGeminiScenarioError, DEFAULT_GEMINI_STREAM_ERROR } from './build-gemini-scenario-error.ts';
import { checkThoughtSignatures } from './check-thought-signatures.ts';
import type { FakeGeminiApiContext } from './fake-gemini-api-context.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import { sendGoogleApiError, sendGoogleJson } from './google-api-error.ts';
import { readGeminiJsonBody } from './on-gemini-route.ts';
import { planGeminiTurn } from './plan-gemini-turn.ts';
import { readLastUserText } from './read-last-user-text.ts';
import { validateGenerateContentRequest } from './validate-generate-content-request.ts';
import { writeGeminiStream } from './write-gemini-stream.ts';

export type AnswerGenerateContentOptions = {
  context: FakeGeminiApiContext;
  request: FakeRequest<Record<string, string>>;
  reply: ServerResponse;
  model: FakeGeminiModel;
  isStream: boolean;
};

/** `:generateContent` and `:streamGenerateContent`: validate, check signatures, then play the next scenario. */
export async function answerGenerateContent(options: AnswerGenerateContentOptions): Promise<void> {
  const { context, request, reply, model, isStream } = options;
  const parsed = validateGenerateContentRequest({ body: readGeminiJsonBody(request), model });
  checkThoughtSignatures({ contents: parsed.contents, model, registry: context.signatures });
  const scenario = context.takeScenario();
  if (scenario.kind === 'http-error') {
    sendGoogleApiError({ reply, body: buildGeminiScenarioError({ scenario, model: model.id }) });
    return;
  }
  const serial = context.nextSerial();
  const isSse = request.url.searchParams.get('alt') === 'sse';
  if (scenario.kind === 'blocked-prompt') {
    const body = buildBlockedPromptResponse({
      blockReason: scenario.blockReason ?? 'SAFETY',
      promptTokenCount: estimateTokens(parsed.promptText),
      modelVersion: model.id,
      responseId: `fake-gemini-response-${serial}`,
    });
    if (!isStream) sendGoogleJson({ reply, body });
    else {
      await writeGeminiStream({
        reply,
        chunks: [{ data: body, hasContent: false }],
        interruption: undefined,
        defaultError: DEFAULT_GEMINI_STREAM_ERROR,
        isSse,
        delayMs: context.perChunkDelayMs,
      });
    }
    return;
  }
  const turn = planGeminiTurn({
    scenario,
    model,
    serial,
    promptText: parsed.promptText,
    lastUserText: readLastUserText(parsed.contents),
    includeThoughts: parsed.includeThoughts,
    isThinkingOff: parsed.isThinkingOff,
    maxOutputTokens: parsed.maxOutputTokens,
    chunkCount: context.chunkCount,
    signatures: context.signatures,
  });
  const chunks = buildGeminiChunks(turn);
  if (isStream) {
    await writeGeminiStream({
      reply,
      chunks,
      interruption: turn.interruption,
      defaultError: DEFAULT_GEMINI_STREAM_ERROR,
      isSse,
      delayMs: context.perChunkDelayMs,
    });
    return;
  }
  // A JSON answer takes as long as the stream would have, so abort and timeout tests work on both.
  const latencyMs = chunks.length * context.perChunkDelayMs;
  if (latencyMs > 0 && !(await wait({ ms: latencyMs, signal: createResponseCloseSignal(reply) }))) return;
  if (turn.interruption?.kind === 'disconnect') {
    markIntentionalClose(reply);
    reply.socket?.destroy();
    return;
  }
  if (turn.interruption?.kind === 'error') {
    sendGoogleApiError({ reply, body: turn.interruption.error ?? DEFAULT_GEMINI_STREAM_ERROR });
    return;
  }
  sendGoogleJson({ reply, body: buildGeminiResponse(turn) });
}
