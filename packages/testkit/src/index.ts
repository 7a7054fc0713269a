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
export type { ParamRecord, RecordedRequest } from './request-recorder.ts';
export type { SendJsonOptions } from './send-json.ts';
export { sendJson } from './send-json.ts';
export type { FakeServer, FakeServerOptions } from './start-fake-server.ts';
export { startFakeServer } from './start-fake-server.ts';
export type { WaitOptions } from './wait.ts';
export { wait } from './wait.ts';
export type { SseEvent, WriteSseOptions, WriteSseResult } from './write-sse.ts';
export { formatSseEvent, writeSse } from './write-sse.ts';
