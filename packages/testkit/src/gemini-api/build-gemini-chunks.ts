import { buildBlockedSafetyRatings, toFunctionCallPart } from './build-gemini-parts.ts';
import { buildGeminiUsageMetadata, buildPartialGeminiUsageMetadata } from './build-gemini-usage-metadata.ts';
import type { GeminiTurn } from './plan-gemini-turn.ts';

/** One streamed GenerateContentResponse; `hasContent` marks chunks with parts, where interruptions count. */
export type GeminiChunk = { data: Record<string, unknown>; hasContent: boolean };

/** Thought parts (`thought: true`), text parts, then all function calls in one chunk; the last chunk finishes. */
export function buildGeminiChunks(turn: GeminiTurn): GeminiChunk[] {
  const parts: Record<string, unknown>[][] = [
    ...turn.thoughtDeltas.map((delta) => [{ text: delta, thought: true }]),
    ...turn.textDeltas.map((delta, index) =>
      index === turn.textDeltas.length - 1 && turn.textSignature != null
        ? [{ text: delta, thoughtSignature: turn.textSignature }]
        : [{ text: delta }],
    ),
  ];
  if (turn.functionCalls.length > 0) parts.push(turn.functionCalls.map(toFunctionCallPart));
  const envelope = (candidate: Record<string, unknown>, usageMetadata: Record<string, unknown>) => ({
    candidates: [candidate],
    usageMetadata,
    modelVersion: turn.modelVersion,
    responseId: turn.responseId,
  });
  const chunks: GeminiChunk[] = parts.map((chunkParts) => ({
    data: envelope(
      { content: { parts: chunkParts, role: 'model' }, index: 0 },
      buildPartialGeminiUsageMetadata(turn.usage),
    ),
    hasContent: true,
  }));
  const finish = {
    finishReason: turn.finishReason,
    ...(turn.finishReason === 'SAFETY' ? { safetyRatings: buildBlockedSafetyRatings() } : {}),
  };
  const last = chunks.at(-1);
  if (last == null) {
    // Nothing to show (a blocked answer): one chunk with the finish reason and no content, as Google sends it.
    chunks.push({ data: envelope({ ...finish, index: 0 }, buildGeminiUsageMetadata(turn.usage)), hasContent: false });
  } else {
    const candidate = (last.data.candidates as Record<string, unknown>[])[0] ?? {};
    last.data = envelope({ ...candidate, ...finish }, buildGeminiUsageMetadata(turn.usage));
  }
  return chunks;
}
