import { randomBytes } from 'node:crypto';
import { CodedTypeError } from '../coded-type-error.ts';
import { createRouter } from '../create-router.ts';
import { forwardLoopbackPort } from '../openai-auth/forward-loopback-port.ts';
import type { FakeServer } from '../start-fake-server.ts';
import { startFakeServer } from '../start-fake-server.ts';
import { CODEX_BACKEND_PREFIX, DEFAULT_UNSUPPORTED_PARAMETERS } from './codex-backend-constants.ts';
import type { FakeCodexExchange } from './create-codex-exchange-log.ts';
import { createCodexExchangeLog } from './create-codex-exchange-log.ts';
import { decodeCodexAccessToken } from './decode-codex-access-token.ts';
import type { FakeCodexBackendContext, FakeCodexBackendState } from './fake-codex-backend-context.ts';
import type { FakeCodexModelOptions } from './fake-codex-model.ts';
import { DEFAULT_FAKE_CODEX_MODELS, validateFakeCodexModels } from './fake-codex-model.ts';
import type { FakeCodexRateLimits } from './fake-codex-rate-limits.ts';
import { DEFAULT_FAKE_CODEX_RATE_LIMITS, mergeFakeCodexRateLimits } from './fake-codex-rate-limits.ts';
import type { FakeCodexScenarioInput } from './fake-codex-scenario.ts';
import { resolveFakeCodexScenario } from './fake-codex-scenario.ts';
import type { FakeCodexAccessTokenVerifier } from './read-codex-token-claims.ts';
import { registerCodexModelsRoute } from './register-codex-models-route.ts';
import { registerCodexResponsesRoute } from './register-codex-responses-route.ts';
import { registerCodexTestHookRoutes } from './register-codex-test-hook-routes.ts';
import { registerWhamUsageRoute } from './register-wham-usage-route.ts';

export type FakeCodexBackendOptions = {
  /**
   * Checks each bearer token. Default: any unexpired JWT with a `chatgpt_account_id` claim, signature unchecked.
   * Pass `verifyWithFakeOpenAiAuth(fakeAuth)` to accept only tokens that fake issued.
   */
  verifyAccessToken?: FakeCodexAccessTokenVerifier;
  /** The catalogue served at `/codex/models` and accepted by `/codex/responses`. Default `DEFAULT_FAKE_CODEX_MODELS`. */
  models?: readonly FakeCodexModelOptions[];
  /** What answers when the queue is empty. Default `'text'`. */
  defaultScenario?: FakeCodexScenarioInput;
  rateLimits?: Partial<FakeCodexRateLimits>;
  /**
   * Top-level fields refused as "Unsupported parameter: <name>". Default `DEFAULT_UNSUPPORTED_PARAMETERS`: the
   * `max_*` token limits, `temperature`, `top_p`, `top_k` and the other fields proxies strip (§5.3).
   */
  unsupportedParameters?: readonly string[];
  /** Milliseconds since the epoch; drives token expiry, `created_at`, `resets_at` and `closedAt`. Default `Date.now`. */
  now?: () => number;
  /** Makes `resp_…`, `msg_…`, `call_…` ids; inject a counter for byte-stable output. Default: random hex. */
  createId?: (prefix: string) => string;
  /** A fixed loopback port (for the CLI and out-of-process tests), served by a TCP relay that `close()` stops. */
  port?: number;
};

export type FakeCodexWaitForCloseOptions = {
  /** The exchange's `index`: its position among `/codex/responses` requests. */
  index: number;
  /** Default 5000. */
  timeoutMs?: number;
};

export type FakeCodexBackend = Pick<FakeServer, 'requests' | 'findRequests' | 'faults'> & {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** `<url>/backend-api`: the ChatGPT base URL (`chatgpt_base_url` in Codex). */
  readonly baseUrl: string;
  /** `<url>/backend-api/codex`: the model provider base URL; requests go to `<codexBaseUrl>/responses`. */
  readonly codexBaseUrl: string;
  readonly port: number;
  /** One entry per `POST /codex/responses`, in arrival order. */
  readonly exchanges: readonly FakeCodexExchange[];
  /** Queues scenarios (preset names or objects) for the next accepted `/responses` requests, one each. */
  enqueueScenarios(...scenarios: FakeCodexScenarioInput[]): void;
  /** Names of the queued scenarios, next first. */
  readonly pendingScenarios: readonly string[];
  setDefaultScenario(scenario: FakeCodexScenarioInput): void;
  /**
   * The next `times` (default 1) `/responses` requests bearing `token` (any token when omitted) get a 401 even
   * though the token verifies, e.g. to make a client refresh and retry.
   */
  rejectAccessToken(options?: { token?: string; times?: number }): void;
  readonly rateLimits: Readonly<FakeCodexRateLimits>;
  setRateLimits(update: Partial<FakeCodexRateLimits>): FakeCodexRateLimits;
  /** Makes `/codex/models` answer an empty list (true) or the catalogue again (false), as the real one does at times. */
  serveEmptyCatalogue(isEmpty: boolean): void;
  /** When exchange `index`'s connection closed (ms since the epoch); undefined while open or unknown. */
  closedAt(index: number): number | undefined;
  /** Resolves once exchange `index` closed (waiting for it to arrive if need be); rejects after the timeout. */
  waitForClose(options: FakeCodexWaitForCloseOptions): Promise<FakeCodexExchange>;
  /** Forgets requests, exchanges, faults, queued scenarios and token rejections; restores starting settings. */
  reset(): void;
  close(): Promise<void>;
};

/**
 * A strict fake of chatgpt.com/backend-api for the Codex "responses" backend: the request checks, SSE scenarios,
 * errors and headers of docs/codex-protocol.md §5–§7 and §8.2, corrected by what Codex 0.169 sends (§10).
 */
export async function startFakeCodexBackend(options: FakeCodexBackendOptions = {}): Promise<FakeCodexBackend> {
  if (options.port != null && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"port" must be an integer from 1 to 65535' });
  }
  if (options.verifyAccessToken != null && typeof options.verifyAccessToken !== 'function') {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"verifyAccessToken" must be a function' });
  }
  const now = options.now ?? Date.now;
  const initialModels = validateFakeCodexModels(options.models ?? DEFAULT_FAKE_CODEX_MODELS);
  const initialRateLimits = mergeFakeCodexRateLimits({
    current: DEFAULT_FAKE_CODEX_RATE_LIMITS,
    update: options.rateLimits ?? {},
  });
  const initialDefault = resolveFakeCodexScenario(options.defaultScenario ?? 'text');
  const unsupportedParameters = [...(options.unsupportedParameters ?? DEFAULT_UNSUPPORTED_PARAMETERS)];
  const state: FakeCodexBackendState = {
    models: initialModels,
    rateLimits: initialRateLimits,
    defaultScenario: initialDefault,
    queue: [],
    rejections: [],
    servesEmptyCatalogue: false,
  };

  let server: FakeServer | undefined;
  const log = createCodexExchangeLog({ now });
  const context: FakeCodexBackendContext = {
    router: createRouter(),
    state,
    log,
    verifyAccessToken: options.verifyAccessToken ?? ((token) => decodeCodexAccessToken({ token, now: now() })),
    unsupportedParameters,
    now,
    createId: options.createId ?? createRandomId,
    // The server hands the handler the same Buffer it recorded, so identity finds the entry even when requests
    // overlap.
    findRecorded: (rawBody) => server?.requests.findLast((recorded) => recorded.rawBody === rawBody),
  };
  registerCodexResponsesRoute(context);
  registerCodexModelsRoute(context);
  registerWhamUsageRoute(context);

  const enqueueScenarios = (...scenarios: FakeCodexScenarioInput[]) => {
    // Resolve all first so one bad entry does not leave half a script queued.
    state.queue.push(...scenarios.map(resolveFakeCodexScenario));
  };
  const setDefaultScenario = (scenario: FakeCodexScenarioInput) => {
    state.defaultScenario = resolveFakeCodexScenario(scenario);
  };
  const rejectAccessToken = (rejection: { token?: string; times?: number } = {}) => {
    const times = rejection.times ?? 1;
    if (!(times === Number.POSITIVE_INFINITY || (Number.isInteger(times) && times > 0))) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_VALUE', message: '"times" must be a positive integer' });
    }
    state.rejections.push({ token: rejection.token, remaining: times });
  };
  const setRateLimits = (update: Partial<FakeCodexRateLimits>) => {
    state.rateLimits = mergeFakeCodexRateLimits({ current: state.rateLimits, update });
    return { ...state.rateLimits };
  };
  const reset = () => {
    server?.reset();
    log.clear();
    Object.assign(state, {
      models: initialModels,
      rateLimits: initialRateLimits,
      defaultScenario: initialDefault,
      queue: [],
      rejections: [],
      servesEmptyCatalogue: false,
    });
  };
  const serveEmptyCatalogue = (isEmpty: boolean) => {
    state.servesEmptyCatalogue = isEmpty;
  };
  registerCodexTestHookRoutes({
    context,
    operations: { enqueueScenarios, setDefaultScenario, rejectAccessToken, setRateLimits, serveEmptyCatalogue, reset },
    getRequests: () => server?.requests ?? [],
  });

  server = await startFakeServer({ name: 'codex-backend', handler: context.router.handle });
  const started = server;
  const forwarder =
    options.port == null ? undefined : await forwardLoopbackPort({ port: options.port, targetPort: started.port });
  const port = options.port ?? started.port;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    baseUrl: `${url}${CODEX_BACKEND_PREFIX}`,
    codexBaseUrl: `${url}${CODEX_BACKEND_PREFIX}/codex`,
    port,
    requests: started.requests,
    findRequests: started.findRequests,
    faults: started.faults,
    exchanges: log.exchanges,
    enqueueScenarios,
    get pendingScenarios() {
      return state.queue.map((entry) => entry.name);
    },
    setDefaultScenario,
    rejectAccessToken,
    get rateLimits() {
      return { ...state.rateLimits };
    },
    setRateLimits,
    serveEmptyCatalogue,
    closedAt: (index) => log.exchanges[index]?.closedAt,
    waitForClose: ({ index, timeoutMs }) => log.waitForClose({ index, timeoutMs: timeoutMs ?? 5000 }),
    reset,
    async close() {
      await Promise.all([forwarder?.close(), started.close()]);
    },
  };
}

function createRandomId(prefix: string): string {
  return `${prefix}_${randomBytes(prefix === 'call' ? 12 : 24).toString('hex')}`;
}
