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
export type { RequestMatch } from './matches-request.ts';
export type {
  FakeOpenAiAuthHooks,
  FakeOpenAiDeviceDecisionOptions,
  MintFakeOpenAiTokensOptions,
} from './openai-auth/create-fake-openai-auth-hooks.ts';
export type {
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
export {
  CODEX_REDIRECT_URIS,
  OPENAI_CODEX_CLIENT_ID,
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
