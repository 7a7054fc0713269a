import type { UsageTokens } from './usage-tracker.ts';

const countOf = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const recordOf = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value != null ? (value as Record<string, unknown>) : {};

/** Chat Completions' `usage` (ours or a relayed upstream's) as ledger counts; null when there is none. */
export function readChatCompletionTokens(usage: unknown): UsageTokens | null {
  if (typeof usage !== 'object' || usage == null) return null;
  const record = recordOf(usage);
  return {
    inputTokens: countOf(record.prompt_tokens),
    cachedInputTokens: countOf(recordOf(record.prompt_tokens_details).cached_tokens),
    outputTokens: countOf(record.completion_tokens),
    reasoningTokens: countOf(recordOf(record.completion_tokens_details).reasoning_tokens),
  };
}

/** A Responses object's `usage` (ours or the Codex backend's, docs/codex-protocol.md §6) as ledger counts. */
export function readResponsesTokens(usage: unknown): UsageTokens | null {
  if (typeof usage !== 'object' || usage == null) return null;
  const record = recordOf(usage);
  return {
    inputTokens: countOf(record.input_tokens),
    cachedInputTokens: countOf(recordOf(record.input_tokens_details).cached_tokens),
    outputTokens: countOf(record.output_tokens),
    reasoningTokens: countOf(recordOf(record.output_tokens_details).reasoning_tokens),
  };
}

/** An embeddings answer's count: input only. */
export function embeddingTokens(inputTokens: number | null | undefined): UsageTokens {
  return { inputTokens: inputTokens ?? null, cachedInputTokens: null, outputTokens: null, reasoningTokens: null };
}

/** The error code of a failed Responses object (`response.failed`), or of an `error` event's body. */
export function readResponsesErrorCode(response: Record<string, unknown> | undefined): string {
  const code = recordOf(response?.error).code ?? response?.code;
  return typeof code === 'string' && code !== '' ? code : 'upstream_error';
}

/**
 * An Anthropic `usage` (docs/anthropic-protocol.md §3.3) as ledger counts: Anthropic's `input_tokens` leaves out
 * what was read from or written to the cache, the ledger's input counts all of it.
 */
export function readAnthropicTokens(usage: unknown): UsageTokens | null {
  if (typeof usage !== 'object' || usage == null) return null;
  const record = recordOf(usage);
  const input = countOf(record.input_tokens);
  const cacheRead = countOf(record.cache_read_input_tokens) ?? 0;
  const cacheWrite = countOf(record.cache_creation_input_tokens) ?? 0;
  return {
    inputTokens: input == null ? null : input + cacheRead + cacheWrite,
    cachedInputTokens: cacheRead,
    outputTokens: countOf(record.output_tokens),
    reasoningTokens: null,
  };
}
