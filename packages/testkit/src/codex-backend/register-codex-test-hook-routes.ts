import type { ServerResponse } from 'node:http';
import { CodedTypeError } from '../coded-type-error.ts';
import type { FakeRequest } from '../fake-request.ts';
import type { RecordedRequest } from '../request-recorder.ts';
import { sendJson } from '../send-json.ts';
import type { FakeCodexBackendContext } from './fake-codex-backend-context.ts';
import type { FakeCodexRateLimits } from './fake-codex-rate-limits.ts';
import type { FakeCodexScenarioInput } from './fake-codex-scenario.ts';

export const CODEX_TEST_HOOK_PREFIX = '/__testkit';

/** The handle operations the HTTP hooks call; the same functions the JS handle exposes. */
export type CodexTestHookOperations = {
  enqueueScenarios(...scenarios: FakeCodexScenarioInput[]): void;
  setDefaultScenario(scenario: FakeCodexScenarioInput): void;
  rejectAccessToken(options?: { token?: string; times?: number }): void;
  setRateLimits(update: Partial<FakeCodexRateLimits>): FakeCodexRateLimits;
  serveEmptyCatalogue(isEmpty: boolean): void;
  reset(): void;
};

export type RegisterCodexTestHookRoutesOptions = {
  context: FakeCodexBackendContext;
  operations: CodexTestHookOperations;
  getRequests: () => readonly RecordedRequest[];
};

/**
 * The handle over HTTP, for tests that drive a fake in another process (`pag-testkit serve codex-backend`). Outside
 * `/backend-api`, so no client under test can reach them by accident. Misuse is a 400 `{ error: { code, message } }`.
 */
export function registerCodexTestHookRoutes(options: RegisterCodexTestHookRoutesOptions): void {
  const { context, operations } = options;
  const on = (method: 'GET' | 'POST', path: string, run: (body: Record<string, unknown>) => unknown) => {
    context.router.on(method, `${CODEX_TEST_HOOK_PREFIX}${path}`, (request, reply) => {
      try {
        sendJson({ reply, body: run(readHookBody(request)) });
      } catch (error) {
        sendHookError({ reply, error });
      }
    });
  };

  on('POST', '/scenarios', (body) => {
    if (!Array.isArray(body.scenarios)) throw invalidType('"scenarios" must be an array');
    operations.enqueueScenarios(...(body.scenarios as FakeCodexScenarioInput[]));
    return { pending: context.state.queue.map((entry) => entry.name) };
  });
  on('POST', '/default-scenario', (body) => {
    operations.setDefaultScenario(body.scenario as FakeCodexScenarioInput);
    return { ok: true };
  });
  on('POST', '/reject-token', (body) => {
    const { token, times } = body;
    if (token != null && typeof token !== 'string') throw invalidType('"token" must be a string');
    if (times != null && typeof times !== 'number') throw invalidType('"times" must be a number');
    operations.rejectAccessToken({ ...(token == null ? {} : { token }), ...(times == null ? {} : { times }) });
    return { ok: true };
  });
  on('POST', '/empty-catalogue', (body) => {
    if (typeof body.isEmpty !== 'boolean') throw invalidType('"isEmpty" must be a boolean');
    operations.serveEmptyCatalogue(body.isEmpty);
    return { ok: true };
  });
  on('GET', '/rate-limits', () => context.state.rateLimits);
  on('POST', '/rate-limits', (body) => operations.setRateLimits(body as Partial<FakeCodexRateLimits>));
  on('GET', '/exchanges', () => ({
    exchanges: context.log.exchanges.map(({ request: _request, ...exchange }) => exchange),
  }));
  on('GET', '/requests', () => ({
    // Hook traffic is the test talking to itself, not something a client under test sent.
    requests: options
      .getRequests()
      .filter((recorded) => !recorded.path.startsWith(`${CODEX_TEST_HOOK_PREFIX}/`))
      .map(({ rawBody: _rawBody, ...recorded }) => recorded),
  }));
  on('POST', '/reset', () => {
    operations.reset();
    return { ok: true };
  });
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

function sendHookError(options: { reply: ServerResponse; error: unknown }): void {
  const { error } = options;
  if (error instanceof CodedTypeError) {
    sendJson({ reply: options.reply, status: 400, body: { error: { code: error.code, message: error.message } } });
    return;
  }
  throw error;
}

function invalidType(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message });
}
