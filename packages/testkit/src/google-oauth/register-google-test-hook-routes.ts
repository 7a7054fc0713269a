import type { ServerResponse } from 'node:http';
import { CodedTypeError } from '../coded-type-error.ts';
import type { FakeRequest } from '../fake-request.ts';
import type { RecordedRequest } from '../request-recorder.ts';
import { sendJson } from '../send-json.ts';
import type { FakeGoogleOAuthHooks } from './create-fake-google-oauth-hooks.ts';
import type { FakeGoogleOAuthContext } from './fake-google-oauth-context.ts';

export const GOOGLE_TEST_HOOK_PREFIX = '/__testkit';

export type RegisterGoogleTestHookRoutesOptions = {
  context: FakeGoogleOAuthContext;
  hooks: FakeGoogleOAuthHooks;
  getRequests: () => readonly RecordedRequest[];
  reset: () => void;
};

/**
 * The hooks over HTTP, for tests that drive a fake running in another process (browser e2e, demos). Bodies are JSON
 * with snake_case fields like the rest of the wire (mode names excepted: they are the JS names); misuse is a 400
 * `{ error: { code, message } }`.
 */
export function registerGoogleTestHookRoutes(options: RegisterGoogleTestHookRoutesOptions): void {
  const { context, hooks } = options;
  const on = (
    method: 'GET' | 'POST',
    path: string,
    run: (body: Record<string, unknown>) => unknown | Promise<unknown>,
  ) => {
    context.router.on(method, `${GOOGLE_TEST_HOOK_PREFIX}${path}`, async (request, reply) => {
      try {
        sendJson({ reply, body: await run(readHookBody(request)) });
      } catch (error) {
        sendHookError({ reply, error });
      }
    });
  };

  on('GET', '/consents', () => ({ consents: hooks.pendingConsents }));
  on('POST', '/consent/approve', (body) =>
    hooks.approveConsent({
      ...optionalString(body, 'session'),
      ...optionalString(body, 'account'),
      ...optionalStrings(body, 'scopes'),
    }),
  );
  on('POST', '/consent/deny', (body) => hooks.denyConsent(optionalString(body, 'session')));
  on('GET', '/clients', () => ({ clients: hooks.clients }));
  on('POST', '/clients', (body) => {
    const redirectUris = body.redirect_uris;
    hooks.registerClient({
      clientId: requireString(body, 'client_id'),
      clientSecret: requireString(body, 'client_secret'),
      redirectUris: Array.isArray(redirectUris) ? redirectUris : [],
    });
    return { ok: true };
  });
  on('POST', '/tokens/revoke-all', (body) => ({ count: hooks.revokeAll(optionalString(body, 'account').account) }));
  on('POST', '/access-tokens/expire', (body) => ({
    count: hooks.expireAccessTokens(optionalString(body, 'account').account),
  }));
  on('POST', '/refresh-tokens/expire', (body) => ({
    count: hooks.expireRefreshTokens(optionalString(body, 'account').account),
  }));
  on('GET', '/modes', () => hooks.modes);
  on('POST', '/modes', (body) => hooks.setModes(body));
  on('GET', '/tokens', () => ({ tokens: hooks.issuedTokens }));
  on('POST', '/tokens/mint', (body) => {
    const ttl = body.access_token_ttl_seconds;
    if (ttl != null && typeof ttl !== 'number') throw invalidType('"access_token_ttl_seconds" must be a number');
    return hooks.mintTokens({
      ...optionalString(body, 'account'),
      ...(typeof body.client_id === 'string' ? { clientId: body.client_id } : {}),
      ...optionalStrings(body, 'scopes'),
      ...(ttl == null ? {} : { accessTokenTtlSeconds: ttl }),
    });
  });
  on('POST', '/tokens/verify', (body) => ({ token: hooks.verifyAccessToken(requireString(body, 'access_token')) }));
  on('GET', '/requests', () => ({
    // Hook traffic is the test talking to itself, not something a client under test sent.
    requests: options
      .getRequests()
      .filter((recorded) => !recorded.path.startsWith(`${GOOGLE_TEST_HOOK_PREFIX}/`))
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

function optionalString<Name extends string>(body: Record<string, unknown>, name: Name): { [Key in Name]?: string } {
  const value = body[name];
  if (value == null) return {};
  if (typeof value !== 'string') throw invalidType(`"${name}" must be a string`);
  return { [name]: value } as { [Key in Name]?: string };
}

function optionalStrings(body: Record<string, unknown>, name: 'scopes'): { scopes?: string[] } {
  const value = body[name];
  if (value == null) return {};
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw invalidType(`"${name}" must be an array of strings`);
  }
  return { scopes: value as string[] };
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
