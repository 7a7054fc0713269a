import type { AiUsage } from '@pag/contracts';
import type { LanguageModelV3Usage } from '@pag/providers';

/** The note-app usage shape from the provider-neutral one; unknown counts stay null, never 0. */
export function toAiUsage(usage: LanguageModelV3Usage | undefined): AiUsage {
  const input = usage?.inputTokens.total ?? null;
  const output = usage?.outputTokens.total ?? null;
  return {
    inputTokens: input,
    cachedInputTokens: usage?.inputTokens.cacheRead ?? null,
    outputTokens: output,
    reasoningTokens: usage?.outputTokens.reasoning ?? null,
    totalTokens: input != null && output != null ? input + output : null,
  };
}
