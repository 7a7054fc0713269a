import type { ServerResponse } from 'node:http';
import { CodedTypeError } from '../coded-type-error.ts';
import type { FakeRequest } from '../fake-request.ts';
import type { RecordedRequest } from '../request-recorder.ts';
import { sendJson } from '../send-json.ts';
import type { FakeOpenAiAuthHooks } from './create-fake-openai-auth-hooks.ts';
import type { FakeOpenAiAuthContext } from './fake-openai-auth-context.ts';
import { validateRefreshAnswerQuirks } from './fake-openai-refresh-answer-quirk.ts';

export const TEST_HOOK_PREFIX = '/__testkit';

export type RegisterTestHookRoutesOptions = {
  context: FakeOpenAiAuthContext;
  hooks: FakeOpenAiAuthHooks;
  getRequests: () => readonly RecordedRequest[];
  reset: () => void;
};

/**
 * The hooks over HTTP, for tests that drive a fake running in another process (browser e2e, demos). Bodies are JSON
 * with snake_case fields like the rest of the wire; misuse is a 400 `{ error: { code, message } }`.
 */
export function registerTestHookRoutes(options: RegisterTestHookRoutesOptions): void {
  const { context, hooks } = options;
  const { router } = context;
  const on = (
    method: 'GET' | 'POST',
    path: string,
    run: (body: Record<string, unknown>) => unknown | Promise<unknown>,
  ) => {
    router.on(method, `${TEST_HOOK_PREFIX}${path}`, async (request, reply) => {
      try {
        sendJson({ reply, body: await run(readHookBody(request)) });
      } catch (error) {
        sendHookError({ reply, error });
      }
    });
  };

  on('POST', '/device/approve', (body) => {
    hooks.approveDevice({ userCode: requireString(body, 'user_code'), ...optionalAccount(body) });
    return { ok: true };
  });
  on('POST', '/device/deny', (body) => {
    hooks.denyDevice({ userCode: requireString(body, 'user_code') });
    return { ok: true };
  });
  on('POST', '/refresh-tokens/invalidate', (body) => ({
    count: hooks.invalidateRefreshTokens(optionalAccount(body).account),
  }));
  on('POST', '/refresh-tokens/expire', (body) => ({ count: hooks.expireRefreshTokens(optionalAccount(body).account) }));
  on('GET', '/modes', () => hooks.modes);
  on('POST', '/modes', (body) => hooks.setModes(body));
  on('GET', '/tokens', () => ({ tokens: hooks.issuedTokens }));
  on('POST', '/tokens/mint', (body) => {
    const ttl = body.access_token_ttl_seconds;
    if (ttl != null && typeof ttl !== 'number') throw invalidType('"access_token_ttl_seconds" must be a number');
    return hooks.mintTokens({ ...optionalAccount(body), ...(ttl == null ? {} : { accessTokenTtlSeconds: ttl }) });
  });
  on('POST', '/refresh-answer-quirks', (body) => {
    hooks.quirkNextRefreshAnswer(validateRefreshAnswerQuirks(body.quirks));
    return { ok: true };
  });
  on('POST', '/access-tokens/status', (body) => ({
    status: hooks.accessTokenStatus(requireString(body, 'access_token')),
  }));
  on('GET', '/requests', () => ({
    // Hook traffic is the test talking to itself, not something a client under test sent.
    requests: options
      .getRequests()
      .filter((recorded) => !recorded.path.startsWith(`${TEST_HOOK_PREFIX}/`))
      .map(({ rawBody: _rawBody, ...recorded }) => recorded),
  }));
  on('POST', '/reset', () => {
    options.reset();
    return { ok: true };
  });
}

function readHookBody(request: FakeRequest): Record<string, unknown> {
  if (request.rawBody.length === 0) return {};
  const mediaType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (mediaType !== 'application/json') throw invalidType('hook bodies must be application/json');
  let body: unknown;
  try {
    body = request.json();
  } catch {
    throw invalidType('hook body is not valid JSON');
  }
  if (body == null || typeof body !== 'object' || Array.isArray(body)) throw invalidType('hook body must be an object');
  return body as Record<string, unknown>;
}

function requireString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value === '') throw invalidType(`"${name}" must be a non-empty string`);
  return value;
}

function optionalAccount(body: Record<string, unknown>): { account?: string } {
  const account = body.account;
  if (account == null) return {};
  if (typeof account !== 'string') throw invalidType('"account" must be a string');
  return { account };
}

function sendHookError(options: { reply: ServerResponse; error: unknown }): void {
  const { reply, error } = options;
  if (error instanceof CodedTypeError) {
    sendJson({ reply, status: 400, body: { error: { code: error.code, message: error.message } } });
    return;
  }
  throw error;
}

function invalidType(message: string): CodedTypeError {
  return new CodedTypeError({ code: 'ERR_INVALID_ARG_TYPE', message });
}
