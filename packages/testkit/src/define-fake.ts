import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParseArgsConfig } from 'node:util';
import { applyFault } from './apply-fault.ts';
import { trackFakeServer, untrackFakeServer } from './close-all-fake-servers.ts';
import { CodedTypeError, invalidType, invalidValue } from './coded-type-error.ts';
import { createResponseCloseSignal } from './create-response-close-signal.ts';
import type { Router } from './create-router.ts';
import { createRouter } from './create-router.ts';
import type { FakeRequest } from './fake-request.ts';
import { createFakeRequest } from './fake-request.ts';
import type { FaultScript, ScriptedFault } from './fault-script.ts';
import { createFaultScript } from './fault-script.ts';
import type { RecordedRequest, RequestRecorder } from './request-recorder.ts';
import { createRequestRecorder } from './request-recorder.ts';
import { sendJson } from './send-json.ts';

/** Outside every real upstream's paths, so no client under test hits a hook by chance. */
export const TEST_HOOK_PREFIX = '/__testkit';

export type BaseFakeOptions<Input = never> = {
  /** A fixed loopback port (CLI, out-of-process tests); default an ephemeral one. */
  port?: number;
  /** Queued scenarios; each request that plays one takes the next. */
  scenarios?: readonly Input[];
  /** Played when the queue is empty; default the fake's own. */
  defaultScenario?: Input;
  /** Every clock the fake reads, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * Answers every request with `Connection: close`, so no connection is kept alive: each request opens its own,
   * which is what a per-connection fault (the chaos proxy's) needs to meet every request.
   */
  closeConnections?: boolean;
};

/** A request whose client went away before the answer was complete (`wasStreaming`: headers were already sent). */
export type FakeClientClose = { method: string; path: string; closedAt: number; wasStreaming: boolean };

export type ScenarioRules<Scenario, Input> = {
  /** Throws a `CodedTypeError` for an input that is not a preset or not a valid scenario. */
  resolve(input: Input): Scenario;
  fallback: Input;
};

/** What a fake's own code gets. `state` is replaced on reset, so read it at request time. */
export type FakeContext<Options, State, Scenario> = {
  readonly name: string;
  readonly options: Options;
  state: State;
  readonly router: Router;
  readonly now: () => number;
  /** The next queued scenario, or the default one. */
  takeScenario(): Scenario;
  /** The recorded entry of the request whose body is this very Buffer. */
  findRecorded(rawBody: Buffer): RecordedRequest | undefined;
  /** Records the request in `clientCloses` if the connection goes away before the response finished. */
  watchClientClose(request: FakeRequest, reply: ServerResponse): void;
  /** A connection the fake cuts on purpose, which is no client abort. */
  markIntentionalClose(reply: ServerResponse): void;
  /** Empty until the server listens. */
  readonly url: string;
};

/** Takes the JSON body (`{}` when empty), returns the answer (nothing: `{ ok: true }`); a `CodedTypeError` is a 400. */
export type TestHook = (body: Record<string, unknown>) => unknown;

export type FakeCli<Options> = {
  /** Lines for `pag-testkit --help`, below the fake's name. */
  usage: string;
  /** The fake's own flags; `--port` and `--scenario` are common. */
  flags?: NonNullable<ParseArgsConfig['options']>;
  /** Throws a `CodedTypeError` for a bad value (exit 2 with usage). */
  toOptions?(values: Record<string, string | boolean | Array<string | boolean> | undefined>): Partial<Options>;
  /** stdout's first line; default the fake's URL. */
  printedUrl?(url: string): string;
  /** The lines after the URL on stderr. */
  banner?(url: string): string;
};

export type FakeDefinition<Options extends BaseFakeOptions<Input>, State, Scenario, Input, Extra> = {
  /** Named in 404 and 500 bodies, the CLI and hook errors, so a failing test names the fake. */
  name: string;
  /** One line for `pag-testkit --help`. */
  summary: string;
  /** Validates options (throwing a `CodedTypeError`) and makes the starting state; `reset()` calls it again. */
  createState(options: Options): State;
  scenarios?: ScenarioRules<Scenario, Input>;
  routes(context: FakeContext<Options, State, Scenario>): void;
  /** Keyed `"POST /path"` below `/__testkit`, besides the common ones. */
  testHooks?(context: FakeContext<Options, State, Scenario>): Record<string, TestHook>;
  /** The fake's own handle members; getters read `context.state`, so they stay current across resets. */
  handle?(context: FakeContext<Options, State, Scenario>): Extra;
  /** What else `reset()` forgets, after the state was recreated. */
  onReset?(context: FakeContext<Options, State, Scenario>): void;
  cli?: FakeCli<Options>;
};

export type FakeHandle<Scenario, Input> = {
  readonly name: string;
  /** `http://127.0.0.1:<port>`, without a trailing slash. */
  readonly url: string;
  readonly port: number;
  /** Every request but test-hook calls, in arrival order; `reset()` clears it in place. */
  readonly requests: readonly RecordedRequest[];
  findRequests: RequestRecorder['findRequests'];
  readonly faults: Pick<FaultScript, 'push' | 'clear' | 'pending'>;
  readonly clientCloses: readonly FakeClientClose[];
  /** All inputs are checked before any is queued. */
  enqueueScenarios(...inputs: Input[]): void;
  clearScenarios(): void;
  setDefaultScenario(input: Input): void;
  readonly pendingScenarios: readonly Scenario[];
  /** Forgets requests, faults, scenarios, client closes and state. */
  reset(): void;
  /** Closes the listener and every connection, keep-alive ones included. Safe to call twice. */
  close(): Promise<void>;
};

export type Fake<Options, Scenario, Input, Extra> = {
  readonly name: string;
  readonly summary: string;
  readonly cli: FakeCli<Options> | undefined;
  readonly hasScenarios: boolean;
  start(options?: Options): Promise<FakeHandle<Scenario, Input> & Extra>;
};

/**
 * The skeleton every fake upstream shares: loopback server, request recorder, scripted faults, scenario queue,
 * client-close tracking, test hooks over HTTP (for a fake in another process), reset and close.
 */
export function defineFake<
  Options extends BaseFakeOptions<Input>,
  State,
  Scenario = never,
  Input = never,
  Extra = object,
>(definition: FakeDefinition<Options, State, Scenario, Input, Extra>): Fake<Options, Scenario, Input, Extra> {
  return {
    name: definition.name,
    summary: definition.summary,
    cli: definition.cli,
    hasScenarios: definition.scenarios != null,
    start: (options) => startFake(definition, options ?? ({} as Options)),
  };
}

async function startFake<Options extends BaseFakeOptions<Input>, State, Scenario, Input, Extra>(
  definition: FakeDefinition<Options, State, Scenario, Input, Extra>,
  options: Options,
): Promise<FakeHandle<Scenario, Input> & Extra> {
  const { name, scenarios: rules } = definition;
  if (options.port != null && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) {
    throw invalidValue('"port" must be an integer from 1 to 65535');
  }
  const resolveAll = (inputs: readonly Input[]): Scenario[] => {
    if (rules == null) {
      if (inputs.length === 0) return [];
      throw invalidValue(`fake ${name} plays no scenarios`);
    }
    // All resolved first, so one bad entry queues nothing.
    return inputs.map((input) => rules.resolve(input));
  };
  const initialQueue = options.scenarios == null ? [] : resolveAll(options.scenarios);
  const initialDefault = rules == null ? undefined : rules.resolve(options.defaultScenario ?? rules.fallback);
  let queue = [...initialQueue];
  let defaultScenario = initialDefault;
  const recorder = createRequestRecorder();
  const faults = createFaultScript();
  const clientCloses: FakeClientClose[] = [];
  const intentionalCloses = new WeakSet<ServerResponse>();
  const now = options.now ?? Date.now;
  let url = '';

  const context: FakeContext<Options, State, Scenario> = {
    name,
    options,
    state: definition.createState(options),
    router: createRouter(),
    now,
    takeScenario: () => {
      const next = queue.shift() ?? defaultScenario;
      if (next === undefined) throw new Error(`fake ${name} plays no scenarios`);
      return next;
    },
    findRecorded: (rawBody) => recorder.requests.findLast((recorded) => recorded.rawBody === rawBody),
    watchClientClose: (request, reply) => {
      reply.once('close', () => {
        if (reply.writableFinished || intentionalCloses.has(reply)) return;
        clientCloses.push({
          method: request.method,
          path: request.path,
          closedAt: now(),
          wasStreaming: reply.headersSent,
        });
      });
    },
    markIntentionalClose: (reply) => intentionalCloses.add(reply),
    get url() {
      return url;
    },
  };
  definition.routes(context);

  const server = createServer(async (incoming, reply) => {
    // Each request on its own connection: a TCP-level fault then meets every request (the chaos matrix).
    if (options.closeConnections === true) reply.setHeader('connection', 'close');
    const timestamp = now();
    const method = incoming.method ?? '';
    const requestUrl = new URL(incoming.url ?? '/', 'http://127.0.0.1');
    const signal = createResponseCloseSignal(reply);
    let rawBody: Buffer;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of incoming) chunks.push(chunk as Buffer);
      rawBody = Buffer.concat(chunks);
    } catch {
      // The client aborted while sending; there is no one left to answer.
      reply.destroy();
      return;
    }
    // Hook traffic is the test talking to the fake: not something a client under test sent, nor a fault's target.
    const isHook = requestUrl.pathname.startsWith(`${TEST_HOOK_PREFIX}/`);
    if (!isHook) recorder.record({ incoming, url: requestUrl, rawBody, timestamp });
    const where = `handler for ${method} ${requestUrl.pathname} in fake ${name}`;
    try {
      const fault = isHook ? undefined : faults.take({ method, path: requestUrl.pathname });
      if (fault != null && !(await applyFault({ fault, fakeName: name, incoming, reply, signal }))) return;
      const { headers } = incoming;
      await context.router.handle(
        createFakeRequest({ fakeName: name, method, url: requestUrl, headers, rawBody }),
        reply,
      );
      if (!reply.headersSent && !reply.destroyed) {
        sendJson({ reply, status: 500, body: { error: `${where} finished without responding` } });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (!reply.headersSent && !reply.destroyed)
        sendJson({ reply, status: 500, body: { error: `${where} threw: ${message}` } });
      // Too late for a status: cut the connection so the client sees a failure instead of waiting forever.
      else reply.destroy();
    }
  });
  let closing: Promise<void> | undefined;
  const common: FakeHandle<Scenario, Input> = {
    name,
    get url() {
      return url;
    },
    get port() {
      return Number(new URL(url).port);
    },
    requests: recorder.requests,
    findRequests: recorder.findRequests,
    faults,
    clientCloses,
    enqueueScenarios: (...inputs) => {
      queue.push(...resolveAll(inputs));
    },
    clearScenarios: () => {
      queue = [];
    },
    setDefaultScenario: (input) => {
      [defaultScenario] = resolveAll([input]);
    },
    get pendingScenarios() {
      return [...queue];
    },
    reset: () => {
      recorder.clear();
      faults.clear();
      clientCloses.length = 0;
      queue = [...initialQueue];
      defaultScenario = initialDefault;
      context.state = definition.createState(options);
      definition.onReset?.(context);
    },
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error == null ? resolve() : reject(error)));
        // close() only stops accepting; a keep-alive or in-flight connection would hold it open.
        server.closeAllConnections();
      }).finally(() => untrackFakeServer(common));
      return closing;
    },
  };
  registerTestHooks(context.router, common, definition.testHooks?.(context) ?? {});
  // Loopback only: fakes hold no secrets but must never be reachable from the network.
  server.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const handle = Object.defineProperties(common, Object.getOwnPropertyDescriptors(definition.handle?.(context) ?? {}));
  trackFakeServer(handle);
  return handle as FakeHandle<Scenario, Input> & Extra;
}

function registerTestHooks<Scenario, Input>(
  router: Router,
  common: FakeHandle<Scenario, Input>,
  extra: Record<string, TestHook>,
): void {
  const hooks: Record<string, TestHook> = {
    'GET /requests': () => ({ requests: common.requests.map(({ rawBody: _rawBody, ...recorded }) => recorded) }),
    'GET /client-closes': () => ({ clientCloses: common.clientCloses }),
    'POST /faults': (body) => {
      if (!Array.isArray(body.faults)) throw invalidType('"faults" must be an array');
      common.faults.push(...(body.faults as ScriptedFault[]));
      return { pending: common.faults.pending.length };
    },
    'DELETE /faults': () => {
      common.faults.clear();
      return { pending: 0 };
    },
    'POST /scenarios': (body) => {
      if (!Array.isArray(body.scenarios)) throw invalidType('"scenarios" must be an array');
      common.enqueueScenarios(...(body.scenarios as Input[]));
      return { pending: common.pendingScenarios.length };
    },
    'DELETE /scenarios': () => {
      common.clearScenarios();
      return { pending: 0 };
    },
    'POST /default-scenario': (body) => common.setDefaultScenario(body.scenario as Input),
    'POST /reset': () => common.reset(),
    ...extra,
  };
  for (const [key, hook] of Object.entries(hooks)) {
    const [method, path] = key.split(' ') as ['GET' | 'POST' | 'DELETE', string];
    router.on(method, `${TEST_HOOK_PREFIX}${path}`, async (request, reply) => {
      try {
        sendJson({ reply, body: (await hook(readHookBody(request))) ?? { ok: true } });
      } catch (error) {
        if (!(error instanceof CodedTypeError)) throw error;
        sendJson({ reply, status: 400, body: { error: { code: error.code, message: error.message } } });
      }
    });
  }
}

function readHookBody(request: FakeRequest): Record<string, unknown> {
  if (request.rawBody.length === 0) return {};
  let body: unknown;
  try {
    body = request.json();
  } catch {
    throw invalidType('hook body is not valid JSON');
  }
  if (body == null || typeof body !== 'object' || Array.isArray(body)) throw invalidType('hook body must be an object');
  return body as Record<string, unknown>;
}
