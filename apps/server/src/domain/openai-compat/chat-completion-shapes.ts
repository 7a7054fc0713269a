import type { LanguageModelV3FinishReason, LanguageModelV3Usage } from '@pag/providers';

/** OpenAI's usage object, with the cached and reasoning details clients such as Open WebUI read. */
export type ChatCompletionUsage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
};

export type ChatFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/** Unknown counts become 0 here: OpenAI's schema has no nulls, and SDKs add these numbers up. */
export function toChatCompletionUsage(usage: LanguageModelV3Usage | undefined): ChatCompletionUsage {
  const prompt = usage?.inputTokens.total ?? 0;
  const completion = usage?.outputTokens.total ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: usage?.inputTokens.cacheRead ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage?.outputTokens.reasoning ?? 0 },
  };
}

export function toChatFinishReason(reason: LanguageModelV3FinishReason): ChatFinishReason {
  switch (reason.unified) {
    case 'length':
      return 'length';
    case 'tool-calls':
      return 'tool_calls';
    case 'content-filter':
      return 'content_filter';
    default:
      return 'stop';
  }
}
