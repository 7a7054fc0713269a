export { closeAllFakeServers } from './close-all-fake-servers.ts';
export type { CodedTypeErrorOptions } from './coded-type-error.ts';
export { CodedTypeError } from './coded-type-error.ts';
export type { HttpMethod, RouteHandler, RouteParams, Router } from './create-router.ts';
export { createRouter } from './create-router.ts';
export type { FakeHandler, FakeRequest } from './fake-request.ts';
export type {
  DelayFault,
  DropConnectionFault,
  Fault,
  FaultScript,
  MalformedJsonFault,
  ScriptedFault,
  StatusFault,
} from './fault-script.ts';
export { findFreeLoopbackPort } from './find-free-loopback-port.ts';
export type { RequestMatch } from './matches-request.ts';
export type {
  FakeOpenAiAuthHooks,
  FakeOpenAiDeviceDecisionOptions,
  MintFakeOpenAiTokensOptions,
} from './openai-auth/create-fake-openai-auth-hooks.ts';
export type {
  FakeOpenAiAccessTokenStatus,
  FakeOpenAiGrant,
  FakeOpenAiIssuedTokens,
  FakeOpenAiRefreshTokenStatus,
} from './openai-auth/create-fake-openai-auth-store.ts';
export type {
  FakeOpenAiAccount,
  FakeOpenAiAccountOptions,
  FakeOpenAiOrganization,
} from './openai-auth/fake-openai-account.ts';
export { DEFAULT_FAKE_OPENAI_ACCOUNT } from './openai-auth/fake-openai-account.ts';
export type { FakeOpenAiAuthModes } from './openai-auth/fake-openai-auth-modes.ts';
export { DEFAULT_FAKE_OPENAI_AUTH_MODES } from './openai-auth/fake-openai-auth-modes.ts';
export type { FakeOpenAiRefreshAnswerQuirk } from './openai-auth/fake-openai-refresh-answer-quirk.ts';
export { FAKE_OPENAI_REFRESH_ANSWER_QUIRKS } from './openai-auth/fake-openai-refresh-answer-quirk.ts';
export {
  CODEX_REDIRECT_URIS,
  OPENAI_CODEX_CLIENT_ID,
  OPENAI_ISSUER,
  REAL_DEVICE_CALLBACK_URI,
  REFRESH_TOKEN_REUSED_MESSAGE,
} from './openai-auth/openai-auth-constants.ts';
export type { FakeOpenAiAuth, FakeOpenAiAuthOptions } from './openai-auth/start-fake-openai-auth.ts';
export { startFakeOpenAiAuth } from './openai-auth/start-fake-openai-auth.ts';
export type { ParamRecord, RecordedRequest } from './request-recorder.ts';
export type { SendJsonOptions } from './send-json.ts';
export { sendJson } from './send-json.ts';
export type { FakeServer, FakeServerOptions } from './start-fake-server.ts';
export { startFakeServer } from './start-fake-server.ts';
export type { WaitOptions } from './wait.ts';
export { wait } from './wait.ts';
export type { SseEvent, WriteSseOptions, WriteSseResult } from './write-sse.ts';
export { formatSseEvent, writeSse } from './write-sse.ts';

// The openai-api and gemini-api fakes. Imported, then exported, so this appended block is its own import chunk and
// the sorted re-exports above stay untouched.
import type { AccessTokenVerdict, FakeGeminiCaller, VerifyAccessToken } from './gemini-api/authorize-gemini-request.ts';
import type { FakeGeminiModel, FakeGeminiModelOptions } from './gemini-api/fake-gemini-model.ts';
import { DEFAULT_FAKE_GEMINI_MODELS } from './gemini-api/fake-gemini-model.ts';
import type {
  FakeGeminiBlockedPromptScenario,
  FakeGeminiFinishReason,
  FakeGeminiFunctionCall,
  FakeGeminiHttpErrorScenario,
  FakeGeminiInterruption,
  FakeGeminiReplyScenario,
  FakeGeminiScenario,
  FakeGeminiScenarioName,
  FakeGeminiUsageOverride,
} from './gemini-api/fake-gemini-scenario.ts';
import {
  FAKE_GEMINI_REPLY_TEXT,
  FAKE_GEMINI_SCENARIOS,
  FAKE_GEMINI_STREAMING_SCENARIO_NAMES,
} from './gemini-api/fake-gemini-scenario.ts';
import type { GoogleApiErrorBody } from './gemini-api/google-api-error.ts';
import type {
  FakeGeminiApi,
  FakeGeminiApiOptions,
  FakeGeminiScenarioInput,
} from './gemini-api/start-fake-gemini-api.ts';
import { DEFAULT_FAKE_GEMINI_API_KEY, startFakeGeminiApi } from './gemini-api/start-fake-gemini-api.ts';
import type { FakeClientClose } from './openai-api/fake-client-close.ts';
import type { FakeOpenAiModel, FakeOpenAiModelOptions } from './openai-api/fake-openai-model.ts';
import { DEFAULT_FAKE_OPENAI_MODELS } from './openai-api/fake-openai-model.ts';
import type {
  FakeOpenAiHttpErrorScenario,
  FakeOpenAiInterruption,
  FakeOpenAiReplyScenario,
  FakeOpenAiScenario,
  FakeOpenAiScenarioName,
  FakeOpenAiToolCall,
  FakeOpenAiUsageOverride,
} from './openai-api/fake-openai-scenario.ts';
import {
  FAKE_OPENAI_REPLY_TEXT,
  FAKE_OPENAI_SCENARIOS,
  FAKE_OPENAI_STREAMING_SCENARIO_NAMES,
} from './openai-api/fake-openai-scenario.ts';
import type { OpenAiApiErrorBody } from './openai-api/openai-api-error.ts';
import type {
  FakeOpenAiApi,
  FakeOpenAiApiOptions,
  FakeOpenAiScenarioInput,
} from './openai-api/start-fake-openai-api.ts';
import { DEFAULT_FAKE_OPENAI_API_KEY, startFakeOpenAiApi } from './openai-api/start-fake-openai-api.ts';

export type {
  AccessTokenVerdict,
  FakeClientClose,
  FakeGeminiApi,
  FakeGeminiApiOptions,
  FakeGeminiBlockedPromptScenario,
  FakeGeminiCaller,
  FakeGeminiFinishReason,
  FakeGeminiFunctionCall,
  FakeGeminiHttpErrorScenario,
  FakeGeminiInterruption,
  FakeGeminiModel,
  FakeGeminiModelOptions,
  FakeGeminiReplyScenario,
  FakeGeminiScenario,
  FakeGeminiScenarioInput,
  FakeGeminiScenarioName,
  FakeGeminiUsageOverride,
  FakeOpenAiApi,
  FakeOpenAiApiOptions,
  FakeOpenAiHttpErrorScenario,
  FakeOpenAiInterruption,
  FakeOpenAiModel,
  FakeOpenAiModelOptions,
  FakeOpenAiReplyScenario,
  FakeOpenAiScenario,
  FakeOpenAiScenarioInput,
  FakeOpenAiScenarioName,
  FakeOpenAiToolCall,
  FakeOpenAiUsageOverride,
  GoogleApiErrorBody,
  OpenAiApiErrorBody,
  VerifyAccessToken,
};
export {
  DEFAULT_FAKE_GEMINI_API_KEY,
  DEFAULT_FAKE_GEMINI_MODELS,
  DEFAULT_FAKE_OPENAI_API_KEY,
  DEFAULT_FAKE_OPENAI_MODELS,
  FAKE_GEMINI_REPLY_TEXT,
  FAKE_GEMINI_SCENARIOS,
  FAKE_GEMINI_STREAMING_SCENARIO_NAMES,
  FAKE_OPENAI_REPLY_TEXT,
  FAKE_OPENAI_SCENARIOS,
  FAKE_OPENAI_STREAMING_SCENARIO_NAMES,
  startFakeGeminiApi,
  startFakeOpenAiApi,
};

import type {
  FakeGoogleConsentDecisionOptions,
  FakeGoogleOAuthHooks,
  FakeGooglePendingConsent,
  MintFakeGoogleTokensOptions,
} from './google-oauth/create-fake-google-oauth-hooks.ts';
import type {
  FakeGoogleAccessTokenInfo,
  FakeGoogleGrantKind,
  FakeGoogleIssuedTokens,
} from './google-oauth/create-fake-google-oauth-store.ts';
import type { FakeGoogleAccount, FakeGoogleAccountOptions } from './google-oauth/fake-google-account.ts';
import { DEFAULT_FAKE_GOOGLE_ACCOUNT } from './google-oauth/fake-google-account.ts';
import type { FakeGoogleClient } from './google-oauth/fake-google-client.ts';
import type { FakeGoogleOAuthModes } from './google-oauth/fake-google-oauth-modes.ts';
import { DEFAULT_FAKE_GOOGLE_OAUTH_MODES } from './google-oauth/fake-google-oauth-modes.ts';
import {
  DEFAULT_FAKE_GOOGLE_CLIENT,
  GENERATIVE_LANGUAGE_SCOPE,
  GOOGLE_ISSUER,
  TOKEN_EXPIRED_OR_REVOKED_MESSAGE,
} from './google-oauth/google-oauth-constants.ts';
import type { FakeGoogleOAuth, FakeGoogleOAuthOptions } from './google-oauth/start-fake-google-oauth.ts';
import { startFakeGoogleOAuth } from './google-oauth/start-fake-google-oauth.ts';

export type {
  FakeGoogleAccessTokenInfo,
  FakeGoogleAccount,
  FakeGoogleAccountOptions,
  FakeGoogleClient,
  FakeGoogleConsentDecisionOptions,
  FakeGoogleGrantKind,
  FakeGoogleIssuedTokens,
  FakeGoogleOAuth,
  FakeGoogleOAuthHooks,
  FakeGoogleOAuthModes,
  FakeGoogleOAuthOptions,
  FakeGooglePendingConsent,
  MintFakeGoogleTokensOptions,
};
export {
  DEFAULT_FAKE_GOOGLE_ACCOUNT,
  DEFAULT_FAKE_GOOGLE_CLIENT,
  DEFAULT_FAKE_GOOGLE_OAUTH_MODES,
  GENERATIVE_LANGUAGE_SCOPE,
  GOOGLE_ISSUER,
  startFakeGoogleOAuth,
  TOKEN_EXPIRED_OR_REVOKED_MESSAGE,
};

// The codex-backend fake (chatgpt.com/backend-api for Codex), imported then exported as its own import chunk.
import {
  CODEX_FIXTURE_DIRECTORY,
  CODEX_FIXTURE_NOW,
  CODEX_FIXTURE_REQUEST,
} from './codex-backend/build-codex-fixture-files.ts';
import type { FakeCodexExchange } from './codex-backend/create-codex-exchange-log.ts';
import type { FakeCodexModelOptions } from './codex-backend/fake-codex-model.ts';
import { DEFAULT_FAKE_CODEX_MODELS } from './codex-backend/fake-codex-model.ts';
import type { FakeCodexRateLimits } from './codex-backend/fake-codex-rate-limits.ts';
import { DEFAULT_FAKE_CODEX_RATE_LIMITS } from './codex-backend/fake-codex-rate-limits.ts';
import type {
  FakeCodexFunctionCall,
  FakeCodexHttpErrorScenario,
  FakeCodexRateLimitScenario,
  FakeCodexScenario,
  FakeCodexScenarioInput,
  FakeCodexScenarioName,
  FakeCodexStreamEnding,
  FakeCodexStreamError,
  FakeCodexStreamScenario,
  FakeCodexUsage,
  FakeCodexUsageLimitScenario,
} from './codex-backend/fake-codex-scenario.ts';
import {
  FAKE_CODEX_ERROR_SCENARIO_NAMES,
  FAKE_CODEX_REASONING_TEXT,
  FAKE_CODEX_REPLY_TEXT,
  FAKE_CODEX_SCENARIOS,
  FAKE_CODEX_STREAM_SCENARIO_NAMES,
} from './codex-backend/fake-codex-scenario.ts';
import type { FakeCodexAccessTokenVerifier, FakeCodexTokenClaims } from './codex-backend/read-codex-token-claims.ts';
import type {
  FakeCodexBackend,
  FakeCodexBackendOptions,
  FakeCodexWaitForCloseOptions,
} from './codex-backend/start-fake-codex-backend.ts';
import { startFakeCodexBackend } from './codex-backend/start-fake-codex-backend.ts';
import type { FakeOpenAiAuthKeys } from './codex-backend/verify-with-fake-openai-auth.ts';
import { verifyWithFakeOpenAiAuth } from './codex-backend/verify-with-fake-openai-auth.ts';

export type {
  FakeCodexAccessTokenVerifier,
  FakeCodexBackend,
  FakeCodexBackendOptions,
  FakeCodexExchange,
  FakeCodexFunctionCall,
  FakeCodexHttpErrorScenario,
  FakeCodexModelOptions,
  FakeCodexRateLimitScenario,
  FakeCodexRateLimits,
  FakeCodexScenario,
  FakeCodexScenarioInput,
  FakeCodexScenarioName,
  FakeCodexStreamEnding,
  FakeCodexStreamError,
  FakeCodexStreamScenario,
  FakeCodexTokenClaims,
  FakeCodexUsage,
  FakeCodexUsageLimitScenario,
  FakeCodexWaitForCloseOptions,
  FakeOpenAiAuthKeys,
};
export {
  CODEX_FIXTURE_DIRECTORY,
  CODEX_FIXTURE_NOW,
  CODEX_FIXTURE_REQUEST,
  DEFAULT_FAKE_CODEX_MODELS,
  DEFAULT_FAKE_CODEX_RATE_LIMITS,
  FAKE_CODEX_ERROR_SCENARIO_NAMES,
  FAKE_CODEX_REASONING_TEXT,
  FAKE_CODEX_REPLY_TEXT,
  FAKE_CODEX_SCENARIOS,
  FAKE_CODEX_STREAM_SCENARIO_NAMES,
  startFakeCodexBackend,
  verifyWithFakeOpenAiAuth,
};

// The bench upstream: a fast OpenAI-compatible fake for benchmarks (e2e/bench), imported then exported as its own
// import chunk.
import { formatStamp, readStamps, wallClockMs } from './bench-upstream/bench-upstream-frames.ts';
import type { BenchUpstream, BenchUpstreamOptions, BenchUpstreamStats } from './bench-upstream/start-bench-upstream.ts';
import {
  DEFAULT_BENCH_UPSTREAM_API_KEY,
  DEFAULT_BENCH_UPSTREAM_MODELS,
  startBenchUpstream,
} from './bench-upstream/start-bench-upstream.ts';

export type { BenchUpstream, BenchUpstreamOptions, BenchUpstreamStats };
export {
  DEFAULT_BENCH_UPSTREAM_API_KEY,
  DEFAULT_BENCH_UPSTREAM_MODELS,
  formatStamp,
  readStamps,
  startBenchUpstream,
  wallClockMs,
};
