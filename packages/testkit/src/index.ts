// Only what other packages use. Each fake keeps its own block below so that the blocks change independently.

// bench-upstream: the fast OpenAI-compatible upstream of e2e/bench.
export { readStamps, wallClockMs } from './bench-upstream/bench-upstream-frames.ts';
export type { BenchUpstreamOptions } from './bench-upstream/start-bench-upstream.ts';
export { startBenchUpstream } from './bench-upstream/start-bench-upstream.ts';
// The shared harness.
export { closeAllFakeServers } from './close-all-fake-servers.ts';
// codex-backend: chatgpt.com/backend-api.
export type { FakeCodexScenarioInput } from './codex-backend/fake-codex-scenario.ts';
export { FAKE_CODEX_REASONING_TEXT, FAKE_CODEX_REPLY_TEXT } from './codex-backend/fake-codex-scenario.ts';
export type { FakeCodexBackend } from './codex-backend/start-fake-codex-backend.ts';
export { startFakeCodexBackend } from './codex-backend/start-fake-codex-backend.ts';
export { verifyWithFakeOpenAiAuth } from './codex-backend/verify-with-fake-openai-auth.ts';
export { findFreeLoopbackPort } from './find-free-loopback-port.ts';
// gemini-api: generativelanguage.googleapis.com.
export type { FakeGeminiApi } from './gemini-api/start-fake-gemini-api.ts';
export { DEFAULT_FAKE_GEMINI_API_KEY, startFakeGeminiApi } from './gemini-api/start-fake-gemini-api.ts';
// google-oauth: accounts.google.com and oauth2.googleapis.com.
export { DEFAULT_FAKE_GOOGLE_CLIENT } from './google-oauth/create-fake-google-oauth-store.ts';
export type { FakeGoogleOAuth } from './google-oauth/google-oauth-fake.ts';
export { startFakeGoogleOAuth } from './google-oauth/google-oauth-fake.ts';
// openai-api: api.openai.com.
export { FAKE_OPENAI_REPLY_TEXT } from './openai-api/fake-openai-scenario.ts';
export type { FakeOpenAiApi } from './openai-api/start-fake-openai-api.ts';
export { DEFAULT_FAKE_OPENAI_API_KEY, startFakeOpenAiApi } from './openai-api/start-fake-openai-api.ts';
// openai-auth: auth.openai.com.
export type { FakeOpenAiIssuedTokens } from './openai-auth/create-fake-openai-auth-store.ts';
export {
  OPENAI_CODEX_CLIENT_ID,
  OPENAI_ISSUER,
  REFRESH_TOKEN_REUSED_MESSAGE,
} from './openai-auth/openai-auth-constants.ts';
export type { FakeOpenAiRefreshAnswerQuirk } from './openai-auth/register-token-routes.ts';
export type { FakeOpenAiAuth } from './openai-auth/start-fake-openai-auth.ts';
export { startFakeOpenAiAuth } from './openai-auth/start-fake-openai-auth.ts';
export type { RecordedRequest } from './request-recorder.ts';
