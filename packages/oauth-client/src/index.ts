export { buildCodexAuthorizationUrl } from './codex/build-codex-authorization-url.ts';
export type { CodexClientIdentity, CodexEndpointOptions } from './codex/codex-endpoint-options.ts';
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
export {
  type CodexRefreshReason,
  type RefreshCodexTokensOptions,
  refreshCodexTokens,
} from './codex/refresh-codex-tokens.ts';
export { type CodexDeviceCode, requestCodexDeviceCode } from './codex/request-codex-device-code.ts';
export { revokeCodexToken } from './codex/revoke-codex-token.ts';
export { createPkcePair, generateState } from './create-pkce-pair.ts';
export {
  type BuildGoogleAuthorizationUrlOptions,
  buildGoogleAuthorizationUrl,
} from './google/build-google-authorization-url.ts';
export {
  type ExchangeGoogleAuthorizationCodeOptions,
  exchangeGoogleAuthorizationCode,
} from './google/exchange-google-authorization-code.ts';
export { GOOGLE_REQUEST_TIMEOUT_MS, type GoogleRequestOptions } from './google/google-endpoint.ts';
export {
  GOOGLE_AUTHORIZATION_ENDPOINT,
  GOOGLE_DEFAULT_SCOPES,
  GOOGLE_GENERATIVE_LANGUAGE_SCOPE,
  GOOGLE_ISSUER,
  GOOGLE_REVOCATION_ENDPOINT,
  GOOGLE_TOKEN_ENDPOINT,
} from './google/google-oauth-constants.ts';
export { GoogleOAuthError, type GoogleOAuthErrorKind, type GoogleOAuthStep } from './google/google-oauth-error.ts';
export type { GoogleTokenSet } from './google/google-token-set.ts';
export { type GoogleCallback, parseGoogleCallback } from './google/parse-google-callback.ts';
export { type GoogleIdTokenClaims, readGoogleIdTokenClaims } from './google/read-google-id-token-claims.ts';
export { type RefreshGoogleTokensOptions, refreshGoogleTokens } from './google/refresh-google-tokens.ts';
export { type RevokeGoogleTokenOptions, revokeGoogleToken } from './google/revoke-google-token.ts';
