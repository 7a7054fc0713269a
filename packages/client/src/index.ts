// The shapes of the requests and answers, from the gateway's own contracts (inlined by the build).
export type {
  AiChatResponse,
  AiEmbedRequest,
  AiEmbedResponse,
  AiRequest,
  AiStreamEvent,
  AiUsage,
  ChatMessage,
  ModelEntry,
} from '@pag/contracts';
export type { AppConnection } from './app-connection.ts';
export { type CompleteAppConnectOptions, completeAppConnect } from './complete-app-connect.ts';
export {
  createGatewayClient,
  type GatewayClient,
  type GatewayClientOptions,
  RESUME_BACKOFF_MS,
  type RequestOptions,
  type StreamOptions,
} from './create-gateway-client.ts';
export { GatewayClientError } from './gateway-client-error.ts';
export type { ConnectStorage } from './pending-app-connect.ts';
export { type StartAppConnectOptions, startAppConnect } from './start-app-connect.ts';
