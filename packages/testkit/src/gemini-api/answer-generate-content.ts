import type { ServerResponse } from 'node:http';
import { ApiRejection } from '../create-authorized-routes.ts';
import { createResponseCloseSignal } from '../create-response-close-signal.ts';
import type { FakeRequest } from '../fake-request.ts';
import { takeSerial } from '../model-api-state.ts';
import { planReplyText } from '../plan-reply-text.ts';
import { cutStream, sendJsonAnswerLate } from '../reply-interruptions.ts';
import { estimateTokens, splitIntoDeltas } from '../split-into-deltas.ts';
import { wait } from '../wait.ts';
import type { ThoughtSignatureRegistry } from './check-thought-signatures.ts';
import { checkThoughtSignatures } from './check-thought-signatures.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import type { FakeGeminiInterruption, FakeGeminiReplyScenario } from './fake-gemini-scenario.ts';
import { buildGeminiScenarioError, DEFAULT_GEMINI_STREAM_ERROR } from './fake-gemini-scenario.ts';
import type { GeminiApiContext } from './gemini-api-fake.ts';
import { sendGoogleJson } from './google-api-error.ts';
import type { GenerateContentRequest } from './validate-generate-content-request.ts';
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
  const serial = takeSerial(context.state);
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
  const { interruption } = scenario;
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

type Usage = Required<NonNullable<FakeGeminiReplyScenario['usage']>>;

/**
 * A reply as stream chunks and the response they add up to: thoughts (only with `includeThoughts`), text, then all
 * calls in one chunk. Gemini 3 signs the first call, or the last text part of an answer without calls.
 */
function planGeminiTurn(
  options: GenerateContentRequest & {
    scenario: FakeGeminiReplyScenario;
    model: FakeGeminiModel;
    serial: string;
    chunkCount: number;
    signatures: ThoughtSignatureRegistry;
  },
): { chunks: Record<string, unknown>[]; response: Record<string, unknown> } {
  const { scenario, model, serial, signatures } = options;
  const count = scenario.chunkCount ?? options.chunkCount;
  const isThinking = model.isThinking && !options.isThinkingOff;
  const thoughts = isThinking ? (scenario.thoughts ?? '') : '';
  const calls = scenario.functionCalls ?? [];
  // maxOutputTokens covers thinking too on Gemini 2.5 and later, so a tiny limit cuts the visible text first.
  const { text, isCut } = planReplyText({ ...options, scenario, hasCalls: calls.length > 0, reasoning: thoughts });
  const callParts = (isCut ? [] : calls).map((call, index) => ({
    functionCall: { ...(call.id == null ? {} : { id: call.id }), name: call.name, args: call.args },
    // Parallel calls: only the first part carries the signature, as Gemini 3 does.
    ...(isThinking && index === 0
      ? { thoughtSignature: signatures.issue({ model: model.id, serial, index, functionName: call.name }) }
      : {}),
  }));
  const textSignature =
    model.requiresThoughtSignatures && callParts.length === 0 && text !== ''
      ? signatures.issue({ model: model.id, serial, index: -1 })
      : undefined;
  const signed = (part: { text: string }) =>
    textSignature == null ? part : { ...part, thoughtSignature: textSignature };
  const { usage = {} } = scenario;
  const promptTokenCount = usage.promptTokenCount ?? estimateTokens(options.promptText);
  const callTokens = calls.reduce((sum, call) => sum + estimateTokens(JSON.stringify(call.args)), 0);
  const metadata = buildGeminiUsageMetadata({
    promptTokenCount,
    candidatesTokenCount: usage.candidatesTokenCount ?? estimateTokens(text) + (isCut ? 0 : callTokens),
    thoughtsTokenCount: usage.thoughtsTokenCount ?? estimateTokens(thoughts),
    cachedContentTokenCount: usage.cachedContentTokenCount ?? 0,
  });
  const finishReason = isCut ? 'MAX_TOKENS' : (scenario.finishReason ?? 'STOP');
  const finish = { finishReason, ...(finishReason === 'SAFETY' ? { safetyRatings: buildBlockedSafetyRatings() } : {}) };
  const envelope = (candidate: Record<string, unknown>, usageMetadata: Record<string, unknown>) => ({
    candidates: [candidate],
    usageMetadata,
    modelVersion: model.id,
    responseId: `fake-gemini-response-${serial}`,
  });

  const thoughtDeltas = options.includeThoughts ? splitIntoDeltas({ text: thoughts, count }) : [];
  const textDeltas = splitIntoDeltas({ text, count });
  const chunkParts: Record<string, unknown>[][] = [
    ...thoughtDeltas.map((delta) => [{ text: delta, thought: true }]),
    ...textDeltas.map((delta, index) => [index === textDeltas.length - 1 ? signed({ text: delta }) : { text: delta }]),
    ...(callParts.length > 0 ? [callParts] : []),
  ];
  const partial = buildPartialGeminiUsageMetadata(promptTokenCount);
  const chunks = chunkParts.map((parts, index) =>
    index < chunkParts.length - 1
      ? envelope({ content: { parts, role: 'model' }, index: 0 }, partial)
      : envelope({ content: { parts, role: 'model' }, index: 0, ...finish }, metadata),
  );
  // Nothing to show (a blocked answer): one chunk with the finish reason and no content, as Google sends it.
  if (chunks.length === 0) chunks.push(envelope({ ...finish, index: 0 }, metadata));

  const parts = [
    ...(thoughtDeltas.length > 0 ? [{ text: thoughts, thought: true }] : []),
    ...(text === '' ? [] : [signed({ text })]),
    ...callParts,
  ];
  const content = parts.length > 0 ? { content: { parts, role: 'model' } } : {};
  const response = envelope({ ...content, ...finish, index: 0 }, metadata);
  return { chunks, response };
}

/** `usageMetadata` as Google sends it: zero counts left out, total = prompt + candidates + thoughts. */
function buildGeminiUsageMetadata(usage: Usage): Record<string, unknown> {
  const { promptTokenCount, candidatesTokenCount: candidates, cachedContentTokenCount: cached } = usage;
  const thoughts = usage.thoughtsTokenCount;
  return {
    promptTokenCount,
    ...(candidates > 0 ? { candidatesTokenCount: candidates } : {}),
    totalTokenCount: promptTokenCount + candidates + thoughts,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
    ...(cached > 0 ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: cached }] } : {}),
    ...(thoughts > 0 ? { thoughtsTokenCount: thoughts } : {}),
  };
}

/** What a chunk before the last (or a blocked prompt) carries: the prompt count only. */
function buildPartialGeminiUsageMetadata(promptTokenCount: number): Record<string, unknown> {
  return {
    promptTokenCount,
    totalTokenCount: promptTokenCount,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
  };
}

/** Ratings for a blocked answer or prompt: the blocking category HIGH and `blocked: true`. */
function buildBlockedSafetyRatings(): Record<string, unknown>[] {
  return ['HATE_SPEECH', 'DANGEROUS_CONTENT', 'HARASSMENT', 'SEXUALLY_EXPLICIT'].map((name, index) => ({
    category: `HARM_CATEGORY_${name}`,
    probability: index === 1 ? 'HIGH' : 'NEGLIGIBLE',
    ...(index === 1 ? { blocked: true } : {}),
  }));
}

/**
 * With `alt=sse` events ending in `\r\n\r\n` and no `[DONE]`, else one JSON array written piece by piece; a failure
 * mid-stream is a bare, pretty-printed error object without `data:` (docs/google-protocol.md §3.5).
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
