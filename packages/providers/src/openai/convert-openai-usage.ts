import type { JSONObject, LanguageModelV3Usage } from '@ai-sdk/provider';

type OpenAiUsage =
  | {
      prompt_tokens?: number | null;
      completion_tokens?: number | null;
      prompt_tokens_details?: { cached_tokens?: number | null } | null;
      completion_tokens_details?: { reasoning_tokens?: number | null } | null;
    }
  | null
  | undefined;

/**
 * Converts chat-completions usage to the V3 shape. Replaces the AI SDK's default, which reports a number the
 * upstream did not send as 0; we keep it undefined (many compatible servers send partial usage).
 */
export function convertOpenAiUsage(usage: OpenAiUsage): LanguageModelV3Usage {
  const inputTotal = usage?.prompt_tokens ?? undefined;
  const cacheRead = usage?.prompt_tokens_details?.cached_tokens ?? undefined;
  const outputTotal = usage?.completion_tokens ?? undefined;
  const reasoning = usage?.completion_tokens_details?.reasoning_tokens ?? undefined;
  return {
    inputTokens: {
      total: inputTotal,
      noCache: inputTotal != null ? inputTotal - (cacheRead ?? 0) : undefined,
      cacheRead,
      cacheWrite: undefined,
    },
    outputTokens: {
      total: outputTotal,
      text: outputTotal != null ? Math.max(0, outputTotal - (reasoning ?? 0)) : undefined,
      reasoning,
    },
    ...(usage != null ? { raw: usage as JSONObject } : {}),
  };
}
