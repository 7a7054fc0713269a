/** The fakes' tests talk plain fetch, as clients do; every call gives up after `TIMEOUT_MS`, so a hung fake fails. */
export const TIMEOUT_MS = 5000;

export function fetchWithTimeout(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), ...init });
}

/** Sends `body` as JSON (a string as is). */
export function postJson(options: {
  url: string;
  body: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}): Promise<Response> {
  const { body, signal } = options;
  return fetchWithTimeout(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal == null ? {} : { signal }),
  });
}
