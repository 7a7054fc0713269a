import type { JSONObject, LanguageModelV3Usage } from '@ai-sdk/provider';
import type { CodexUsage } from './codex-api.ts';

/** Converts `response.usage` to the V3 usage shape. Every field is set; a missing upstream number stays undefined. */
export function convertCodexUsage(usage: CodexUsage | null | undefined): LanguageModelV3Usage {
  const inputTotal = usage?.input_tokens ?? undefined;
  const cacheRead = usage?.input_tokens_details?.cached_tokens ?? undefined;
  const cacheWrite = usage?.input_tokens_details?.cache_write_tokens ?? undefined;
  const outputTotal = usage?.output_tokens ?? undefined;
  const reasoning = usage?.output_tokens_details?.reasoning_tokens ?? undefined;
  return {
    inputTokens: {
      total: inputTotal,
      noCache: inputTotal != null ? inputTotal - (cacheRead ?? 0) : undefined,
      cacheRead,
      cacheWrite,
    },
    outputTokens: {
      total: outputTotal,
      text: outputTotal != null ? outputTotal - (reasoning ?? 0) : undefined,
      reasoning,
    },
    ...(usage != null ? { raw: usage as JSONObject } : {}),
  };
}
