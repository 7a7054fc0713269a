import type { ChatCompletionUsage } from './chat-completion-shapes.ts';

/** An upstream `usage` object as counts for the access log; null when the upstream sent none. */
export function readRelayedUsage(usage: unknown): ChatCompletionUsage | null {
  if (typeof usage !== 'object' || usage == null) return null;
  const record = usage as Record<string, unknown>;
  const count = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : 0);
  const prompt = count(record.prompt_tokens);
  const completion = count(record.completion_tokens);
  const promptDetails = (record.prompt_tokens_details ?? {}) as Record<string, unknown>;
  const completionDetails = (record.completion_tokens_details ?? {}) as Record<string, unknown>;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: count(record.total_tokens) || prompt + completion,
    prompt_tokens_details: { cached_tokens: count(promptDetails.cached_tokens) },
    completion_tokens_details: { reasoning_tokens: count(completionDetails.reasoning_tokens) },
  };
}
