import { CSRF_HEADER, sessionStateSchema } from '@pag/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.ts';
import { parseRetryAfter, requestApi } from './request-api.ts';

type RecordedCall = { url: string; init: RequestInit | undefined };

function stubFetch(response: () => Response) {
  const calls: RecordedCall[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    calls.push({ url: String(input), init });
    return response();
  };
  return { calls, fetch };
}

function json(body: unknown, init: ResponseInit = {}) {
  return new Response(JSON.stringify(body), {
    ...init,
    headers: { 'content-type': 'application/json', ...init.headers },
  });
}

async function captureError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}

const SIGNED_OUT = { setupRequired: false, user: null, csrfToken: null };

describe('requestApi', () => {
  it('should parse a successful answer with the schema', async () => {
    const { fetch } = stubFetch(() => json(SIGNED_OUT));
    await expect(requestApi({ path: '/api/auth/session', schema: sessionStateSchema, fetch })).resolves.toEqual(
      SIGNED_OUT,
    );
  });

  it('should send the CSRF token on writes only', async () => {
    const { calls, fetch } = stubFetch(() => new Response(null, { status: 204 }));
    await requestApi({ method: 'DELETE', path: '/api/keys/k1', csrfToken: 'csrf-1', fetch });
    await requestApi({ path: '/api/keys/k1', csrfToken: 'csrf-1', fetch, schema: sessionStateSchema }).catch(
      () => undefined,
    );
    expect(new Headers(calls[0]?.init?.headers).get(CSRF_HEADER)).toBe('csrf-1');
    expect(new Headers(calls[1]?.init?.headers).get(CSRF_HEADER)).toBeNull();
  });

  it('should send a JSON body with its content type', async () => {
    const { calls, fetch } = stubFetch(() => json(SIGNED_OUT));
    await requestApi({
      method: 'POST',
      path: '/api/auth/login',
      body: { email: 'a@example.com', password: 'x' },
      schema: sessionStateSchema,
      fetch,
    });
    expect(calls[0]?.init?.body).toBe('{"email":"a@example.com","password":"x"}');
    expect(new Headers(calls[0]?.init?.headers).get('content-type')).toBe('application/json');
  });

  it('should throw the envelope code and message with the status', async () => {
    const { fetch } = stubFetch(() =>
      json({ error: { code: 'invalid_credentials', message: 'Wrong email or password.' } }, { status: 401 }),
    );
    const error = await captureError(requestApi({ method: 'POST', path: '/api/auth/login', fetch }));
    expect(error).toMatchObject({
      code: 'invalid_credentials',
      message: 'Wrong email or password.',
      status: 401,
      retryAfter: null,
    });
  });

  it('should read Retry-After on a rate-limited answer', async () => {
    const { fetch } = stubFetch(() =>
      json(
        { error: { code: 'rate_limited', message: 'Too many requests.' } },
        { status: 429, headers: { 'retry-after': '42' } },
      ),
    );
    const error = await captureError(requestApi({ method: 'POST', path: '/api/auth/login', fetch }));
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, retryAfter: 42 });
  });

  it('should fall back to the status line when the error body is not an envelope', async () => {
    const { fetch } = stubFetch(
      () => new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }),
    );
    const error = await captureError(requestApi({ path: '/api/keys', fetch }));
    expect(error).toMatchObject({ code: 'unexpected_response', status: 502 });
    expect(error.message).toContain('502 Bad Gateway');
  });

  it('should report an answer that does not match the schema', async () => {
    const { fetch } = stubFetch(() => json({ setupRequired: 'yes' }));
    const error = await captureError(requestApi({ path: '/api/auth/session', schema: sessionStateSchema, fetch }));
    expect(error).toMatchObject({ code: 'unexpected_response', status: 200 });
  });

  it('should report a network failure as network_error', async () => {
    const fetch: typeof globalThis.fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const error = await captureError(requestApi({ path: '/api/auth/session', schema: sessionStateSchema, fetch }));
    expect(error).toMatchObject({ code: 'network_error', status: 0 });
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});

describe('parseRetryAfter', () => {
  it('should read delay seconds', () => {
    expect(parseRetryAfter('120')).toBe(120);
  });

  it('should turn an HTTP date into seconds from now', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Tue, 31 Dec 2024 23:59:00 GMT', now)).toBe(0);
  });

  it('should answer null for a missing or unreadable header', () => {
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('')).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });
});
