import { planReplyText } from '../plan-reply-text.ts';
import { estimateTokens, splitIntoDeltas } from '../split-into-deltas.ts';
import type { ThoughtSignatureRegistry } from './check-thought-signatures.ts';
import type { FakeGeminiModel } from './fake-gemini-model.ts';
import type { FakeGeminiInterruption, FakeGeminiReplyScenario } from './fake-gemini-scenario.ts';

type Usage = {
  promptTokenCount: number;
  candidatesTokenCount: number;
  thoughtsTokenCount: number;
  cachedContentTokenCount: number;
};

/** One answer: the GenerateContentResponse chunks a stream sends, and the single response they add up to. */
export type GeminiTurn = {
  chunks: Record<string, unknown>[];
  response: Record<string, unknown>;
  interruption: FakeGeminiInterruption | undefined;
};

/**
 * Plays a reply scenario: thought parts (only with `includeThoughts`; thought tokens count either way), text parts,
 * then all function calls in one chunk; the last chunk finishes. Gemini 3 signs the first function call, or the last
 * text part of an answer without calls.
 */
export function planGeminiTurn(options: {
  scenario: FakeGeminiReplyScenario;
  model: FakeGeminiModel;
  serial: string;
  promptText: string;
  lastUserText: string;
  includeThoughts: boolean;
  isThinkingOff: boolean;
  maxOutputTokens: number | undefined;
  chunkCount: number;
  signatures: ThoughtSignatureRegistry;
}): GeminiTurn {
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
  return { chunks, response, interruption: scenario.interruption };
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
export function buildPartialGeminiUsageMetadata(promptTokenCount: number): Record<string, unknown> {
  return {
    promptTokenCount,
    totalTokenCount: promptTokenCount,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokenCount }],
  };
}

/** Ratings for a blocked answer or prompt: the blocking category HIGH and `blocked: true`. */
export function buildBlockedSafetyRatings(): Record<string, unknown>[] {
  return ['HATE_SPEECH', 'DANGEROUS_CONTENT', 'HARASSMENT', 'SEXUALLY_EXPLICIT'].map((name, index) => ({
    category: `HARM_CATEGORY_${name}`,
    probability: index === 1 ? 'HIGH' : 'NEGLIGIBLE',
    ...(index === 1 ? { blocked: true } : {}),
  }));
}
