// @pag/providers: upstream adapters speaking each provider's wire protocol and emitting the AI SDK's V3 stream
// parts. Our stream-part vocabulary IS `@ai-sdk/provider`'s LanguageModelV3 (docs/architecture.md §3.5).

export type {
  EmbeddingModelV3,
  EmbeddingModelV3CallOptions,
  EmbeddingModelV3Result,
  JSONObject,
  JSONValue,
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3ResponseMetadata,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3ToolCall,
  LanguageModelV3ToolChoice,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
  SharedV3ProviderOptions,
  SharedV3Warning,
} from '@ai-sdk/provider';
export {
  ANTHROPIC_VERSION,
  type AnthropicModel,
  type AnthropicSettings,
  createAnthropicChatModel,
  forwardAnthropicMessages,
  listAnthropicModels,
  toAnthropicProviderError,
} from './anthropic/index.ts';
export {
  CODEX_MAX_TOOL_NAME_LENGTH,
  CODEX_PROVIDER_KEY,
  CODEX_REQUEST_FIELDS,
  CODEX_TOOL_NAME_PATTERN,
  type CodexChatModelSettings,
  type CodexCredentials,
  type CodexModel,
  type CodexProviderOptions,
  type CodexRequestBody,
  type CodexRequestBodyOptions,
  CodexToolNames,
  codexStreamFailureToProviderError,
  codexToolNamesOf,
  createCodexChatModel,
  DEFAULT_CODEX_INSTRUCTIONS,
  forwardCodexResponses,
  listCodexModels,
  parseCodexRateLimits,
  readCodexUsage,
  restoreCodexToolNames,
  toCodexProviderError,
  toCodexRequestBody,
  toCodexToolName,
  type UpstreamRetry,
} from './codex/index.ts';
export { type AggregatedStream, aggregateStream } from './common/aggregate-stream.ts';
export { createUpstreamFetch, type UpstreamFetch, type UpstreamTimeouts } from './common/create-upstream-fetch.ts';
export type { FetchFunction } from './common/fetch-function.ts';
export { loadUndici } from './common/load-undici.ts';
export { readSseEvents, type SseEventReader } from './common/parse-sse-stream.ts';
export type { UpstreamBodyReader, UpstreamResponse } from './common/post-upstream.ts';
export {
  isSameRateLimitSnapshot,
  type RateLimitSnapshot,
  type RateLimitWindow,
} from './common/rate-limit-snapshot.ts';
export { readSseData } from './common/read-sse-data.ts';
export { readSseFrames } from './common/read-sse-frames.ts';
export { toTransportError } from './common/to-transport-error.ts';
export {
  type AnyProviderError,
  InvalidRequestError,
  isRetryableStatus,
  MAX_RESPONSE_BODY_LENGTH,
  ProviderError,
  ProviderErrorBase,
  type ProviderErrorCode,
  QuotaExceededError,
  ReconnectRequiredError,
  UpstreamApiError,
  UpstreamConnectionError,
  UpstreamProtocolError,
  UpstreamTimeoutError,
  UsageLimitError,
} from './errors/index.ts';
export {
  createGeminiChatModel,
  createGeminiEmbeddingModel,
  type GeminiAuth,
  type GeminiModel,
  type GeminiSettings,
  listGeminiModels,
  toGeminiProviderError,
} from './gemini/index.ts';
export {
  createOpenAiCompatibleChatModel,
  createOpenAiCompatibleEmbeddingModel,
  type ForwardedChat,
  forwardOpenAiCompatibleChat,
  listOpenAiCompatibleModels,
  OPENAI_COMPATIBLE_CHAT_FIELDS,
  type OpenAiCompatibleChatRequest,
  type OpenAiCompatibleModel,
  type OpenAiCompatibleSettings,
  readForwardedJson,
  toOpenAiCompatibleChatBody,
  toOpenAiProviderError,
} from './openai/index.ts';
