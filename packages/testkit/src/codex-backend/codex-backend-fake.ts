import { invalidValue } from '../coded-type-error.ts';
import type { BaseFakeOptions, FakeContext } from '../define-fake.ts';
import { defineFake } from '../define-fake.ts';
import { wait } from '../wait.ts';
import type { FakeCodexAccessTokenVerifier, FakeCodexTokenRejection } from './authorize-codex-request.ts';
import type { FakeCodexModelOptions } from './codex-model-catalogue.ts';
import type { FakeCodexRateLimits } from './codex-rate-limits.ts';
import { DEFAULT_FAKE_CODEX_RATE_LIMITS, mergeFakeCodexRateLimits } from './codex-rate-limits.ts';
import type { FakeCodexScenarioInput, ResolvedFakeCodexScenario } from './fake-codex-scenario.ts';
import { resolveFakeCodexScenario } from './fake-codex-scenario.ts';
import type { FakeCodexExchange } from './register-codex-routes.ts';
import { registerCodexRoutes } from './register-codex-routes.ts';
import { verifyWithFakeOpenAiAuth } from './verify-with-fake-openai-auth.ts';

/**
 * A scripted `/wham/usage` failure: an HTTP status with an OpenAI error body, or a 200 whose body lost the documented
 * shape (docs/codex-protocol.md §7.4: the endpoint is undocumented and may change), for `times` requests.
 */
export type FakeCodexUsageFault = { kind: 'status'; status: number; times: number } | { kind: 'shape'; times: number };

export type FakeCodexBackendOptions = BaseFakeOptions<FakeCodexScenarioInput> & {
  /** Default: any unexpired JWT with an account id; `verifyWithFakeOpenAiAuth(fakeAuth)` takes only that fake's. */
  verifyAccessToken?: FakeCodexAccessTokenVerifier;
  /** The catalogue served at `/codex/models` and accepted by `/codex/responses`. Default `DEFAULT_FAKE_CODEX_MODELS`. */
  models?: readonly FakeCodexModelOptions[];
  rateLimits?: Partial<FakeCodexRateLimits>;
  /** Top-level fields refused as "Unsupported parameter: <name>". Default `DEFAULT_UNSUPPORTED_PARAMETERS` (§5.3). */
  unsupportedParameters?: readonly string[];
  /** Makes `resp_…`, `msg_…`, `call_…` ids; inject a counter for byte-stable output. Default: random hex. */
  createId?: (prefix: string) => string;
};

function createState(options: FakeCodexBackendOptions) {
  return {
    rateLimits: mergeFakeCodexRateLimits(DEFAULT_FAKE_CODEX_RATE_LIMITS, options.rateLimits ?? {}),
    rejections: [] as FakeCodexTokenRejection[],
    servesEmptyCatalogue: false,
    /** What `/wham/usage` answers instead of the usage, for the next `times` requests (null: the usage). */
    usageFault: null as FakeCodexUsageFault | null,
    /** Every `/wham/usage` request that passed auth, for tests that count how often the gateway asked. */
    usageRequests: 0,
    exchanges: [] as FakeCodexExchange[],
  };
}

type CodexBackendState = ReturnType<typeof createState>;
export type CodexBackendContext = FakeContext<FakeCodexBackendOptions, CodexBackendState, ResolvedFakeCodexScenario>;

/**
 * A strict fake of chatgpt.com/backend-api for Codex: the request checks, SSE scenarios, errors and headers of
 * docs/codex-protocol.md §5–§7 and §8.2, corrected by what Codex 0.169 sends (§10).
 */
export const codexBackendFake = defineFake({
  name: 'codex-backend',
  summary: 'chatgpt.com/backend-api for Codex (strict /codex/responses SSE, /codex/models, /wham/usage).',
  createState,
  scenarios: { resolve: resolveFakeCodexScenario, fallback: 'text' },
  routes: registerCodexRoutes,
  testHooks: (context) => {
    const handle = codexHandle(context);
    return {
      'POST /reject-token': (body) => handle.rejectAccessToken(body),
      'POST /rate-limits': (body) => handle.setRateLimits(body),
      'POST /usage-fault': (body) => handle.failUsage(body as FakeCodexUsageFault),
      'GET /exchanges': () => ({ exchanges: handle.exchanges.map(({ request: _request, ...exchange }) => exchange) }),
    };
  },
  handle: (context) => codexHandle(context),
  cli: {
    usage:
      '    --auth-url <url>          Accept only tokens of the openai-auth fake at <url> (default: any unexpired JWT).\n',
    flags: { 'auth-url': { type: 'string' } },
    toOptions: ({ 'auth-url': authUrl }) => {
      if (authUrl == null) return {};
      if (typeof authUrl !== 'string' || !/^https?:\/\/[^/]+$/.test(authUrl)) {
        throw invalidValue('--auth-url must be an http(s) origin without a path, like http://127.0.0.1:1455');
      }
      return { verifyAccessToken: verifyWithFakeOpenAiAuth({ url: authUrl }) };
    },
    banner: (url) => `base URL ${url}/backend-api, model requests ${url}/backend-api/codex/responses`,
  },
});

function codexHandle(context: CodexBackendContext) {
  return {
    /** `<url>/backend-api`: the ChatGPT base URL (`chatgpt_base_url` in Codex). */
    get baseUrl() {
      return `${context.url}/backend-api`;
    },
    /** `<url>/backend-api/codex`: the model provider base URL; requests go to `<codexBaseUrl>/responses`. */
    get codexBaseUrl() {
      return `${context.url}/backend-api/codex`;
    },
    get exchanges(): readonly Readonly<FakeCodexExchange>[] {
      return context.state.exchanges;
    },
    /** Resolves once exchange `index` closed (waiting for it to arrive if need be); rejects after `timeoutMs`. */
    waitForClose: async ({ index, timeoutMs = 5000 }: { index: number; timeoutMs?: number }) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const exchange = context.state.exchanges[index];
        if (exchange?.closedAt != null) return exchange;
        if (Date.now() >= deadline) throw new Error(`exchange ${index} did not close within ${timeoutMs} ms`);
        await wait({ ms: 5 });
      }
    },
    /** The next `times` (default 1) `/responses` requests with `token` (default any) get a 401, as if it was revoked. */
    rejectAccessToken: (options: { token?: string; times?: number } = {}) => {
      context.state.rejections.push({ token: options.token, remaining: options.times ?? 1 });
    },
    setRateLimits: (update: Partial<FakeCodexRateLimits>): FakeCodexRateLimits => {
      context.state.rateLimits = mergeFakeCodexRateLimits(context.state.rateLimits, update);
      return { ...context.state.rateLimits };
    },
    /** The next `times` `/wham/usage` requests fail as scripted (after auth, which is always checked). */
    failUsage: (fault: FakeCodexUsageFault) => {
      const isStatus = fault.kind === 'status' && Number.isInteger(fault.status) && fault.status >= 400;
      if (!(isStatus || fault.kind === 'shape') || !Number.isInteger(fault.times) || fault.times < 1) {
        throw invalidValue('a usage fault is { kind: "status", status: 4xx|5xx, times } or { kind: "shape", times }');
      }
      context.state.usageFault = { ...fault };
    },
    /** How many `/wham/usage` requests passed auth. */
    get usageRequests(): number {
      return context.state.usageRequests;
    },
    /** Makes `/codex/models` answer an empty list, as the real one does at times (docs/codex-protocol.md §5.6). */
    serveEmptyCatalogue: (isEmpty: boolean) => {
      context.state.servesEmptyCatalogue = isEmpty;
    },
  };
}

export const startFakeCodexBackend = codexBackendFake.start;
export type FakeCodexBackend = Awaited<ReturnType<typeof startFakeCodexBackend>>;
