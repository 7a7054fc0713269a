import type { ServerResponse } from 'node:http';
import { CodedTypeError } from '../coded-type-error.ts';
import type { Router } from '../create-router.ts';
import type { FakeRequest } from '../fake-request.ts';
import type { RecordedRequest } from '../request-recorder.ts';
import { sendJson } from '../send-json.ts';
import type { FakeClientClose } from './fake-client-close.ts';

export const API_TEST_HOOK_PREFIX = '/__testkit';

export type RegisterApiTestHookRoutesOptions = {
  router: Router;
  /** Validates and queues scenarios given as JSON (preset names or objects); returns how many are pending. */
  pushScenarios: (scenarios: unknown[]) => number;
  clearScenarios: () => void;
  getRequests: () => readonly RecordedRequest[];
  getClientCloses: () => readonly FakeClientClose[];
  reset: () => void;
};

/**
 * Scenario queue, recordings and reset over HTTP, for a fake run by `pag-testkit serve` in another process. These
 * paths are the testkit's own: they need no API key. Misuse is a 400 `{ error: { code, message } }`.
 */
export function registerApiTestHookRoutes(options: RegisterApiTestHookRoutesOptions): void {
  const on = (method: 'GET' | 'POST' | 'DELETE', path: string, run: (body: Record<string, unknown>) => unknown) => {
    options.router.on(method, `${API_TEST_HOOK_PREFIX}${path}`, (request, reply) => {
      try {
        sendJson({ reply, body: run(readHookBody(request)) });
      } catch (error) {
        sendHookError({ reply, error });
      }
    });
  };

  on('POST', '/scenarios', (body) => {
    if (!Array.isArray(body.scenarios)) {
      throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: '"scenarios" must be an array' });
    }
    return { pending: options.pushScenarios(body.scenarios) };
  });
  on('DELETE', '/scenarios', () => {
    options.clearScenarios();
    return { pending: 0 };
  });
  on('GET', '/requests', () => ({
    // Hook traffic is the test talking to itself, not something a client under test sent.
    requests: options
      .getRequests()
      .filter((recorded) => !recorded.path.startsWith(`${API_TEST_HOOK_PREFIX}/`))
      .map(({ rawBody: _rawBody, ...recorded }) => recorded),
  }));
  on('GET', '/client-closes', () => ({ clientCloses: options.getClientCloses() }));
  on('POST', '/reset', () => {
    options.reset();
    return { ok: true };
  });
}

function readHookBody(request: FakeRequest): Record<string, unknown> {
  if (request.rawBody.length === 0) return {};
  let body: unknown;
  try {
    body = request.json();
  } catch {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: 'hook body is not valid JSON' });
  }
  if (body == null || typeof body !== 'object' || Array.isArray(body)) {
    throw new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message: 'hook body must be an object' });
  }
  return body as Record<string, unknown>;
}

function sendHookError(options: { reply: ServerResponse; error: unknown }): void {
  const { reply, error } = options;
  if (error instanceof CodedTypeError) {
    sendJson({ reply, status: 400, body: { error: { code: error.code, message: error.message } } });
    return;
  }
  throw error;
}
