export { buildCodexAuthorizationUrl } from './codex/build-codex-authorization-url.ts';
export type { CodexEndpointOptions } from './codex/codex-endpoint-options.ts';
export {
  CODEX_AUTH_BASE_URL,
  CODEX_CLIENT_ID,
  CODEX_DEFAULT_REDIRECT_URI,
  CODEX_DEVICE_CODE_LIFETIME_SECONDS,
  CODEX_FALLBACK_PORT,
  CODEX_SCOPE,
} from './codex/codex-oauth-constants.ts';
export { CodexOAuthError, type CodexOAuthErrorKind } from './codex/codex-oauth-error.ts';
export type { CodexTokenSet } from './codex/codex-token-set.ts';
export { exchangeCodexAuthorizationCode } from './codex/exchange-codex-authorization-code.ts';
export {
  type CallbackInput,
  CallbackInputError,
  parseCodexCallbackInput,
} from './codex/parse-codex-callback-input.ts';
export {
  type CodexDevicePollResult,
  codexDeviceRedirectUri,
  pollCodexDeviceToken,
} from './codex/poll-codex-device-token.ts';
export { type CodexTokenClaims, readCodexTokenClaims } from './codex/read-codex-token-claims.ts';
export { refreshCodexTokens } from './codex/refresh-codex-tokens.ts';
export { type CodexDeviceCode, requestCodexDeviceCode } from './codex/request-codex-device-code.ts';
export { revokeCodexToken } from './codex/revoke-codex-token.ts';
export { createPkcePair, generateState } from './create-pkce-pair.ts';
