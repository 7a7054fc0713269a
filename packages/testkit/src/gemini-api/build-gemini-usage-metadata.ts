import type { GeminiTurnUsage } from './plan-gemini-turn.ts';

/** `usageMetadata` as Google sends it: zero counts left out, total = prompt + candidates + thoughts. */
export function buildGeminiUsageMetadata(usage: GeminiTurnUsage): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    promptTokenCount: usage.promptTokenCount,
    ...(usage.candidatesTokenCount > 0 ? { candidatesTokenCount: usage.candidatesTokenCount } : {}),
    totalTokenCount: usage.promptTokenCount + usage.candidatesTokenCount + usage.thoughtsTokenCount,
    ...(usage.cachedContentTokenCount > 0 ? { cachedContentTokenCount: usage.cachedContentTokenCount } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.promptTokenCount }],
    ...(usage.cachedContentTokenCount > 0
      ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: usage.cachedContentTokenCount }] }
      : {}),
    ...(usage.thoughtsTokenCount > 0 ? { thoughtsTokenCount: usage.thoughtsTokenCount } : {}),
  };
  return metadata;
}

/** What a chunk before the last carries: the prompt count only, since the output is not finished. */
export function buildPartialGeminiUsageMetadata(usage: GeminiTurnUsage): Record<string, unknown> {
  return {
    promptTokenCount: usage.promptTokenCount,
    totalTokenCount: usage.promptTokenCount,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: usage.promptTokenCount }],
  };
}
