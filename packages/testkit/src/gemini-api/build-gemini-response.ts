import { buildBlockedSafetyRatings, toFunctionCallPart } from './build-gemini-parts.ts';
import { buildGeminiUsageMetadata } from './build-gemini-usage-metadata.ts';
import type { GeminiTurn } from './plan-gemini-turn.ts';

/** The non-streaming GenerateContentResponse: the same turn with each kind of part whole. */
export function buildGeminiResponse(turn: GeminiTurn): Record<string, unknown> {
  const parts: Record<string, unknown>[] = [];
  if (turn.thoughtDeltas.length > 0) parts.push({ text: turn.thoughts, thought: true });
  if (turn.text !== '') {
    parts.push(
      turn.textSignature == null ? { text: turn.text } : { text: turn.text, thoughtSignature: turn.textSignature },
    );
  }
  parts.push(...turn.functionCalls.map(toFunctionCallPart));
  const candidate: Record<string, unknown> = {
    ...(parts.length > 0 ? { content: { parts, role: 'model' } } : {}),
    finishReason: turn.finishReason,
    ...(turn.finishReason === 'SAFETY' ? { safetyRatings: buildBlockedSafetyRatings() } : {}),
    index: 0,
  };
  return {
    candidates: [candidate],
    usageMetadata: buildGeminiUsageMetadata(turn.usage),
    modelVersion: turn.modelVersion,
    responseId: turn.responseId,
  };
}
