import { z } from 'zod';
import type { FetchFunction } from '../common/fetch-function.ts';
import type { RateLimitSnapshot } from '../common/rate-limit-snapshot.ts';
import type { UpstreamRetry } from './codex-retry-policy.ts';

export type CodexCredentials = { accessToken: string; accountId: string };

export type CodexChatModelSettings = {
  /** A bare model slug from `listCodexModels` (`gpt-5.5`). */
  modelId: string;
  /** e.g. `https://chatgpt.com/backend-api` (the adapter appends `/codex/responses`). */
  baseUrl: string;
  /**
   * The transport; give the gateway's upstream fetch (`createUpstreamFetch`) for its connect, first-byte and idle
   * timeouts. Without one, undici's defaults apply (a stream silent for 300 s fails, as Codex's own).
   */
  fetch?: FetchFunction;
  /**
   * Returns the credential to use. Called once per request, and once more with `rejectedAccessToken` after a 401 so
   * the caller can refresh (single-flight, in the connections domain). Throw `ReconnectRequiredError` when the
   * refresh failed permanently; it propagates unchanged.
   */
  getCredentials(options: { rejectedAccessToken?: string }): Promise<CodexCredentials>;
  /** Stable per conversation: sent as `session-id`, `thread-id` and `prompt_cache_key` so prompt caching works. */
  conversationId: string;
  /** e.g. `codex_cli_rs`. */
  originator: string;
  userAgent: string;
  /** Called with the `x-codex-*` snapshot of every response that carries one (200 and errors). */
  onRateLimits?(snapshot: RateLimitSnapshot): void;
  /**
   * Where the system prompt goes: `developer` (default, what Codex 0.169 does) sends system messages as `developer`
   * input items, the first one first; `instructions` joins them into the `instructions` field (older clients).
   */
  systemMessageMode?: 'developer' | 'instructions';
  /**
   * Sent as `instructions` when the prompt has no system message: the backend has at times required instructions
   * (400 "Instructions are required") unless the input starts with a developer message. Default
   * `DEFAULT_CODEX_INSTRUCTIONS`.
   */
  defaultInstructions?: string;
  /**
   * The longest the answer may take to begin (response headers), retries included: past it the upstream is aborted
   * with an `UpstreamTimeoutError`, and no retry is started that would end past it. Default 120 s.
   */
  firstByteTimeoutMs?: number;
  /** Called before each retry of a request that failed before its first byte (for the access log). */
  onRetry?(retry: UpstreamRetry): void;
};

/** `providerOptions.codex` of a call. */
export const codexProviderOptionsSchema = z.looseObject({
  /** `none` … `xhigh` (+ `max`, `ultra` on some models); allowed values are per model (`listCodexModels`). */
  reasoningEffort: z.string().nullish(),
  reasoningSummary: z.enum(['auto', 'concise', 'detailed']).nullish(),
  textVerbosity: z.enum(['low', 'medium', 'high']).nullish(),
  parallelToolCalls: z.boolean().nullish(),
  systemMessageMode: z.enum(['developer', 'instructions']).nullish(),
  /**
   * `strict` of a `json_schema` `text.format` (docs/codex-protocol.md §5.3). Default true, as the official client
   * sends for `--output-schema`: the backend then holds the model to the schema, which must be in the strict
   * subset (objects with `additionalProperties: false` and every property required).
   */
  strictJsonSchema: z.boolean().nullish(),
});
export type CodexProviderOptions = z.infer<typeof codexProviderOptionsSchema>;

export const DEFAULT_CODEX_INSTRUCTIONS = 'You are a helpful assistant.';

/** Key of our entries in `providerOptions` / `providerMetadata`. */
export const CODEX_PROVIDER_KEY = 'codex';
