import { CSRF_HEADER, errorEnvelopeSchema } from '@pag/contracts';
import type { z } from 'zod';
import { ApiError } from './api-error.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type RequestApiOptions<T> = {
  method?: HttpMethod;
  path: string;
  body?: unknown;
  /** Required by the server on cookie-authenticated writes; ignored on reads. */
  csrfToken?: string | null;
  /** Parses a successful answer. Without one, the answer must be empty (204). */
  schema?: z.ZodType<T>;
  signal?: AbortSignal;
  /** Injected in tests. */
  fetch?: typeof fetch;
};

const UNSAFE_METHODS = new Set<HttpMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Calls the gateway API and returns the answer parsed with its contracts schema, or throws an {@link ApiError}
 * whose `message` can be shown as is.
 */
export async function requestApi<T>(options: RequestApiOptions<T> & { schema: z.ZodType<T> }): Promise<T>;
export async function requestApi(options: RequestApiOptions<never> & { schema?: undefined }): Promise<void>;
export async function requestApi<T>(options: RequestApiOptions<T>): Promise<T | undefined> {
  const method = options.method ?? 'GET';
  const headers = new Headers({ accept: 'application/json' });
  if (options.body !== undefined) headers.set('content-type', 'application/json');
  if (UNSAFE_METHODS.has(method) && options.csrfToken != null) headers.set(CSRF_HEADER, options.csrfToken);

  const fetchFunction = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchFunction(options.path, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      // Same-origin only: the session cookie must never be offered to another origin.
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    // An abort is the caller's decision (a query was cancelled), not a failure to report.
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError({
      code: 'network_error',
      status: 0,
      message: 'Could not reach the gateway. Check that the server is running and try again.',
      cause: error,
    });
  }

  if (!response.ok) throw await processErrorResponse(response);

  if (options.schema == null) return undefined;
  const json = await readJson(response);
  const parsed = options.schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiError({
      code: 'unexpected_response',
      status: response.status,
      message: 'The gateway sent an answer this page does not understand. Reload the page and try again.',
    });
  }
  return parsed.data;
}

/** Turns a non-2xx answer into an {@link ApiError}, falling back to the status line when there is no envelope. */
export async function processErrorResponse(response: Response): Promise<ApiError> {
  const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
  const parsed = errorEnvelopeSchema.safeParse(await readJson(response));
  if (parsed.success) {
    return new ApiError({ ...parsed.data.error, status: response.status, retryAfter });
  }
  const statusLine = `${response.status}${response.statusText === '' ? '' : ` ${response.statusText}`}`;
  return new ApiError({
    code: response.status === 429 ? 'rate_limited' : 'unexpected_response',
    status: response.status,
    retryAfter,
    message: `The gateway answered with an unexpected error (${statusLine}).`,
  });
}

/**
 * Reads `Retry-After` as whole seconds. RFC 9110 §10.2.3 allows a number of seconds or an HTTP date.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-10.2.3
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value == null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
