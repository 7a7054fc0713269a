import { CodedTypeError } from '../coded-type-error.ts';
import { createRouter } from '../create-router.ts';
import { forwardLoopbackPort } from '../openai-auth/forward-loopback-port.ts';
import type { FakeServer } from '../start-fake-server.ts';
import { startFakeServer } from '../start-fake-server.ts';
import type { FakeClientClose } from './fake-client-close.ts';
import type { FakeOpenAiApiContext } from './fake-openai-api-context.ts';
import type { FakeOpenAiModel, FakeOpenAiModelOptions } from './fake-openai-model.ts';
import { createFakeOpenAiModels } from './fake-openai-model.ts';
import type { FakeOpenAiScenario, FakeOpenAiScenarioName } from './fake-openai-scenario.ts';
import { resolveFakeOpenAiScenario } from './fake-openai-scenario.ts';
import { registerApiTestHookRoutes } from './register-api-test-hook-routes.ts';
import { registerChatCompletionsRoute } from './register-chat-completions-route.ts';
import { registerEmbeddingsRoute } from './register-embeddings-route.ts';
import { registerOpenAiModelsRoutes } from './register-openai-models-routes.ts';
import { registerResponsesRoute } from './register-responses-route.ts';

export const DEFAULT_FAKE_OPENAI_API_KEY = 'sk-test-fake-openai-api-key-0000';

export type FakeOpenAiScenarioInput = FakeOpenAiScenarioName | FakeOpenAiScenario;

export type FakeOpenAiApiOptions = {
  /** Keys accepted as `Authorization: Bearer <key>`. Default `[DEFAULT_FAKE_OPENAI_API_KEY]`. */
  apiKeys?: readonly string[];
  /** The catalogue; default `DEFAULT_FAKE_OPENAI_MODELS`. */
  models?: readonly FakeOpenAiModelOptions[];
  /** Queued scenarios; each valid chat completions or responses request takes the next one. */
  scenarios?: readonly FakeOpenAiScenarioInput[];
  /** Played when the queue is empty. Default `'text'`. */
  defaultScenario?: FakeOpenAiScenarioInput;
  /** How many deltas text, reasoning and tool arguments are split into. Default 4. */
  chunkCount?: number;
  /** Wait before each SSE event (and, summed, before a JSON answer). Default 0, so benchmarks measure the gateway. */
  perChunkDelayMs?: number;
  /** Real OpenAI rejects unknown body fields; set false to act like a lenient compatible server. Default true. */
  shouldRejectUnknownParameters?: boolean;
  /** Milliseconds since the epoch, for `created` fields and close times. Default `Date.now`. */
  now?: () => number;
  /** A fixed loopback port (served by a TCP relay) instead of an ephemeral one, for the CLI. */
  port?: number;
};

export type FakeOpenAiApi = Pick<FakeServer, 'requests' | 'findRequests' | 'faults'> & {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `<url>/v1`, what an OpenAI client takes as its base URL. */
  readonly baseUrl: string;
  readonly port: number;
  readonly apiKeys: readonly string[];
  readonly models: readonly FakeOpenAiModel[];
  pushScenarios(...scenarios: FakeOpenAiScenarioInput[]): void;
  clearScenarios(): void;
  readonly pendingScenarios: readonly FakeOpenAiScenario[];
  /** Requests whose client went away before the answer was complete, in order. */
  readonly clientCloses: readonly FakeClientClose[];
  /** Forgets requests, faults, scenarios, stored responses and client closes; restores the starting queue. */
  reset(): void;
  close(): Promise<void>;
};

/**
 * A strict fake of api.openai.com: models, chat completions, responses and embeddings with the real validation and
 * error envelopes, driven by a queue of scenarios.
 */
export async function startFakeOpenAiApi(options: FakeOpenAiApiOptions = {}): Promise<FakeOpenAiApi> {
  const apiKeys = [...(options.apiKeys ?? [DEFAULT_FAKE_OPENAI_API_KEY])];
  if (apiKeys.length === 0 || apiKeys.some((key) => typeof key !== 'string' || key === '' || /\s/.test(key))) {
    throw invalidValue('"apiKeys" must be non-empty strings without spaces');
  }
  const chunkCount = options.chunkCount ?? 4;
  if (!(Number.isInteger(chunkCount) && chunkCount > 0)) throw invalidValue('"chunkCount" must be a positive integer');
  const perChunkDelayMs = options.perChunkDelayMs ?? 0;
  if (!(Number.isFinite(perChunkDelayMs) && perChunkDelayMs >= 0)) {
    throw invalidValue('"perChunkDelayMs" must be a finite number >= 0');
  }
  if (options.port != null && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    throw invalidValue('"port" must be an integer from 1 to 65535');
  }
  const models = createFakeOpenAiModels(options.models);
  const defaultScenario = resolveFakeOpenAiScenario(options.defaultScenario ?? 'text');
  const initialScenarios = (options.scenarios ?? []).map(resolveFakeOpenAiScenario);
  const queue = [...initialScenarios];
  const clientCloses: FakeClientClose[] = [];
  const now = options.now ?? Date.now;
  let serial = 0;

  const router = createRouter();
  const context: FakeOpenAiApiContext = {
    router,
    models,
    apiKeys: new Set(apiKeys),
    takeScenario: () => queue.shift() ?? defaultScenario,
    nextSerial: () => {
      serial += 1;
      return String(serial).padStart(4, '0');
    },
    now,
    chunkCount,
    perChunkDelayMs,
    shouldRejectUnknownParameters: options.shouldRejectUnknownParameters ?? true,
    storedResponseIds: new Set(),
    clientCloses,
  };
  registerOpenAiModelsRoutes(context);
  registerChatCompletionsRoute(context);
  registerResponsesRoute(context);
  registerEmbeddingsRoute(context);

  const server = await startFakeServer({ name: 'openai-api', handler: router.handle });
  const forwarder =
    options.port == null ? undefined : await forwardLoopbackPort({ port: options.port, targetPort: server.port });
  const port = options.port ?? server.port;
  const url = `http://127.0.0.1:${port}`;
  const pushScenarios = (...scenarios: FakeOpenAiScenarioInput[]) => {
    // Resolve all first so one bad entry queues nothing.
    queue.push(...scenarios.map(resolveFakeOpenAiScenario));
  };
  const reset = () => {
    server.reset();
    queue.splice(0, queue.length, ...initialScenarios);
    context.storedResponseIds.clear();
    clientCloses.length = 0;
    serial = 0;
  };
  registerApiTestHookRoutes({
    router,
    pushScenarios: (scenarios) => {
      pushScenarios(...(scenarios as FakeOpenAiScenarioInput[]));
      return queue.length;
    },
    clearScenarios: () => {
      queue.length = 0;
    },
    getRequests: () => server.requests,
    getClientCloses: () => clientCloses,
    reset,
  });

  return {
    url,
    baseUrl: `${url}/v1`,
    port,
    apiKeys,
    models,
    requests: server.requests,
    findRequests: server.findRequests,
    faults: server.faults,
    pushScenarios,
    clearScenarios: () => {
      queue.length = 0;
    },
    get pendingScenarios() {
      return [...queue];
    },
    clientCloses,
    reset,
    async close() {
      await Promise.all([forwarder?.close(), server.close()]);
    },
  };
}

function invalidValue(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message });
}
