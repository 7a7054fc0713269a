export type { CodexChunk } from './codex-api.ts';
export { createCodexChatModel } from './codex-chat-model.ts';
export { codexStreamFailureToProviderError, toCodexProviderError } from './codex-error.ts';
export {
  CODEX_PROVIDER_KEY,
  type CodexChatModelSettings,
  type CodexCredentials,
  type CodexProviderOptions,
  DEFAULT_CODEX_INSTRUCTIONS,
} from './codex-options.ts';
export {
  CODEX_REQUEST_FIELDS,
  type CodexRequestBody,
  type CodexRequestBodyOptions,
  codexToolNamesOf,
  toCodexRequestBody,
} from './codex-request-rules.ts';
export type { UpstreamRetry } from './codex-retry-policy.ts';
export {
  CODEX_MAX_TOOL_NAME_LENGTH,
  CODEX_TOOL_NAME_PATTERN,
  CodexToolNames,
  toCodexToolName,
} from './codex-tool-names.ts';
export { forwardCodexResponses } from './forward-codex-responses.ts';
export { type CodexModel, listCodexModels } from './list-codex-models.ts';
export { parseCodexRateLimits } from './parse-codex-rate-limits.ts';
export { readCodexUsage } from './read-codex-usage.ts';
export { restoreCodexToolNames } from './restore-codex-tool-names.ts';
