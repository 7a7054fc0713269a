import { CodedTypeError } from '../coded-type-error.ts';
import { createRouter } from '../create-router.ts';
import type { FakeClientClose } from '../openai-api/fake-client-close.ts';
import { registerApiTestHookRoutes } from '../openai-api/register-api-test-hook-routes.ts';
import { forwardLoopbackPort } from '../openai-auth/forward-loopback-port.ts';
import type { FakeServer } from '../start-fake-server.ts';
import { startFakeServer } from '../start-fake-server.ts';
import type { FakeGeminiCaller, VerifyAccessToken } from './authorize-gemini-request.ts';
import { createThoughtSignatureRegistry } from './create-thought-signature-registry.ts';
import type { FakeGeminiApiContext } from './fake-gemini-api-context.ts';
import type { FakeGeminiModel, FakeGeminiModelOptions } from './fake-gemini-model.ts';
import { createFakeGeminiModels } from './fake-gemini-model.ts';
import type { FakeGeminiScenario, FakeGeminiScenarioName } from './fake-gemini-scenario.ts';
import { resolveFakeGeminiScenario } from './fake-gemini-scenario.ts';
import { registerGeminiModelActionRoutes } from './register-gemini-model-action-routes.ts';
import { registerGeminiModelsRoutes } from './register-gemini-models-routes.ts';

/** Shaped like a real key (`AIza` + 35 characters), so format checks in the gateway accept it. */
export const DEFAULT_FAKE_GEMINI_API_KEY = 'AIzaSyFAKE-gemini-api-key-000000000000';

export type FakeGeminiScenarioInput = FakeGeminiScenarioName | FakeGeminiScenario;

export type FakeGeminiApiOptions = {
  /** Keys accepted in `x-goog-api-key` or `?key=`. Default `[DEFAULT_FAKE_GEMINI_API_KEY]`. */
  apiKeys?: readonly string[];
  /**
   * Decides `Authorization: Bearer <token>` (a fake Google OAuth issues them): false is a 401; an object may name the
   * account and its scopes, and scopes without a Gemini one get a 403. Without it every bearer token is a 401.
   */
  verifyAccessToken?: VerifyAccessToken;
  /** The catalogue; default `DEFAULT_FAKE_GEMINI_MODELS`. */
  models?: readonly FakeGeminiModelOptions[];
  /** Queued scenarios; each valid generateContent or streamGenerateContent request takes the next one. */
  scenarios?: readonly FakeGeminiScenarioInput[];
  /** Played when the queue is empty. Default `'text'`. */
  defaultScenario?: FakeGeminiScenarioInput;
  /** How many chunks text and thoughts are split into. Default 4. */
  chunkCount?: number;
  /** Wait before each streamed chunk (and, summed, before a JSON answer). Default 0. */
  perChunkDelayMs?: number;
  now?: () => number;
  /** A fixed loopback port (served by a TCP relay) instead of an ephemeral one, for the CLI. */
  port?: number;
};

export type FakeGeminiApi = Pick<FakeServer, 'requests' | 'findRequests' | 'faults'> & {
  /** `http://127.0.0.1:<port>`: what `GOOGLE_GEMINI_BASE_URL` or the SDK's `httpOptions.baseUrl` takes. */
  readonly url: string;
  readonly port: number;
  readonly apiKeys: readonly string[];
  readonly models: readonly FakeGeminiModel[];
  pushScenarios(...scenarios: FakeGeminiScenarioInput[]): void;
  clearScenarios(): void;
  readonly pendingScenarios: readonly FakeGeminiScenario[];
  /** Who made each accepted API call, in order (API key or OAuth account). */
  readonly callers: readonly FakeGeminiCaller[];
  /** Requests whose client went away before the answer was complete, in order. */
  readonly clientCloses: readonly FakeClientClose[];
  /** Forgets requests, faults, scenarios, issued signatures, callers and client closes. */
  reset(): void;
  close(): Promise<void>;
};

/**
 * A strict fake of generativelanguage.googleapis.com (v1beta, API key or OAuth bearer), following
 * docs/google-protocol.md §3 and §5.3: models, generateContent, SSE streaming, countTokens, embeddings, thought
 * signatures.
 */
export async function startFakeGeminiApi(options: FakeGeminiApiOptions = {}): Promise<FakeGeminiApi> {
  const apiKeys = [...(options.apiKeys ?? [DEFAULT_FAKE_GEMINI_API_KEY])];
  if (apiKeys.some((key) => typeof key !== 'string' || key === '' || /\s/.test(key))) {
    throw invalidValue('"apiKeys" must be non-empty strings without spaces');
  }
  if (options.verifyAccessToken != null && typeof options.verifyAccessToken !== 'function') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"verifyAccessToken" must be a function' });
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
  const models = createFakeGeminiModels(options.models);
  const defaultScenario = resolveFakeGeminiScenario(options.defaultScenario ?? 'text');
  const initialScenarios = (options.scenarios ?? []).map(resolveFakeGeminiScenario);
  const queue = [...initialScenarios];
  const clientCloses: FakeClientClose[] = [];
  const callers: FakeGeminiCaller[] = [];
  const signatures = createThoughtSignatureRegistry();
  let serial = 0;

  const router = createRouter();
  const context: FakeGeminiApiContext = {
    router,
    models,
    apiKeys: new Set(apiKeys),
    verifyAccessToken: options.verifyAccessToken,
    takeScenario: () => queue.shift() ?? defaultScenario,
    nextSerial: () => {
      serial += 1;
      return String(serial).padStart(4, '0');
    },
    now: options.now ?? Date.now,
    chunkCount,
    perChunkDelayMs,
    signatures,
    clientCloses,
    callers,
  };
  registerGeminiModelsRoutes(context);
  registerGeminiModelActionRoutes(context);

  const server = await startFakeServer({ name: 'gemini-api', handler: router.handle });
  const forwarder =
    options.port == null ? undefined : await forwardLoopbackPort({ port: options.port, targetPort: server.port });
  const port = options.port ?? server.port;
  const pushScenarios = (...scenarios: FakeGeminiScenarioInput[]) => {
    queue.push(...scenarios.map(resolveFakeGeminiScenario));
  };
  const reset = () => {
    server.reset();
    queue.splice(0, queue.length, ...initialScenarios);
    signatures.clear();
    clientCloses.length = 0;
    callers.length = 0;
    serial = 0;
  };
  registerApiTestHookRoutes({
    router,
    pushScenarios: (scenarios) => {
      pushScenarios(...(scenarios as FakeGeminiScenarioInput[]));
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
    url: `http://127.0.0.1:${port}`,
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
    callers,
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
