import { buildBlockedSafetyRatings } from './build-gemini-parts.ts';

/** A blocked prompt: no candidates, only `promptFeedback` (sent as the single chunk of a stream too). */
export function buildBlockedPromptResponse(options: {
  blockReason: string;
  promptTokenCount: number;
  modelVersion: string;
  responseId: string;
}): Record<string, unknown> {
  return {
    promptFeedback: { blockReason: options.blockReason, safetyRatings: buildBlockedSafetyRatings() },
    usageMetadata: {
      promptTokenCount: options.promptTokenCount,
      totalTokenCount: options.promptTokenCount,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: options.promptTokenCount }],
    },
    modelVersion: options.modelVersion,
    responseId: options.responseId,
  };
}
