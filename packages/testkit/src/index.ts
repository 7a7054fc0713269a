// Only what other packages use (the fakes' own tests import their files directly).
export type { FakeAnthropicApi } from './anthropic-api/anthropic-api-fake.ts';
export { DEFAULT_FAKE_ANTHROPIC_API_KEY, startFakeAnthropicApi } from './anthropic-api/anthropic-api-fake.ts';
export { FAKE_ANTHROPIC_SCENARIOS, FAKE_ANTHROPIC_THINKING } from './anthropic-api/fake-anthropic-scenario.ts';
export { readStamps, wallClockMs } from './bench-upstream/bench-upstream-frames.ts';
export type { BenchUpstreamOptions } from './bench-upstream/start-bench-upstream.ts';
export { startBenchUpstream } from './bench-upstream/start-bench-upstream.ts';
export { closeAllFakeServers } from './close-all-fake-servers.ts';
export type { FakeCodexBackend } from './codex-backend/codex-backend-fake.ts';
export { startFakeCodexBackend } from './codex-backend/codex-backend-fake.ts';
export type { FakeCodexModelOptions } from './codex-backend/codex-model-catalogue.ts';
export { DEFAULT_FAKE_CODEX_MODELS } from './codex-backend/codex-model-catalogue.ts';
export type { FakeCodexScenarioInput } from './codex-backend/fake-codex-scenario.ts';
export { FAKE_CODEX_REASONING_TEXT, FAKE_CODEX_REPLY_TEXT } from './codex-backend/fake-codex-scenario.ts';
export { verifyWithFakeOpenAiAuth } from './codex-backend/verify-with-fake-openai-auth.ts';
export { findFreeLoopbackPort } from './find-free-loopback-port.ts';
export { FAKE_GEMINI_SCENARIOS } from './gemini-api/fake-gemini-scenario.ts';
export type { FakeGeminiApi } from './gemini-api/gemini-api-fake.ts';
export { DEFAULT_FAKE_GEMINI_API_KEY, startFakeGeminiApi } from './gemini-api/gemini-api-fake.ts';
export { DEFAULT_FAKE_GOOGLE_CLIENT } from './google-oauth/create-fake-google-oauth-store.ts';
export type { FakeGoogleOAuth } from './google-oauth/google-oauth-fake.ts';
export { startFakeGoogleOAuth } from './google-oauth/google-oauth-fake.ts';
export { FAKE_OPENAI_SCENARIOS } from './openai-api/fake-openai-scenario.ts';
export type { FakeOpenAiApi } from './openai-api/openai-api-fake.ts';
export { DEFAULT_FAKE_OPENAI_API_KEY, startFakeOpenAiApi } from './openai-api/openai-api-fake.ts';
export type { FakeOpenAiIssuedTokens } from './openai-auth/create-fake-openai-auth-store.ts';
export {
  OPENAI_CODEX_CLIENT_ID,
  OPENAI_ISSUER,
  REFRESH_TOKEN_REUSED_MESSAGE,
} from './openai-auth/openai-auth-constants.ts';
export type { FakeOpenAiAuth } from './openai-auth/openai-auth-fake.ts';
export { startFakeOpenAiAuth } from './openai-auth/openai-auth-fake.ts';
export type { FakeOpenAiRefreshAnswerQuirk } from './openai-auth/register-token-routes.ts';
export { FAKE_REPLY_TEXT as FAKE_OPENAI_REPLY_TEXT } from './plan-reply-text.ts';
export type { RecordedRequest } from './request-recorder.ts';
export type { ChaosFault, ChaosProxy } from './start-chaos-proxy.ts';
export { startChaosProxy } from './start-chaos-proxy.ts';
