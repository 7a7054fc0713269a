import { expect } from 'vitest';
import { fetchWithTimeout } from '../test-fetch.ts';

/** A token endpoint's success body; which fields are there depends on the server and the grant. */
export type TokenResponseBody = Record<
  'access_token' | 'id_token' | 'refresh_token' | 'token_type' | 'scope',
  string
> & {
  expires_in: number;
};

/** A form POST; fields set to undefined are left out. Redirects are returned, not followed. */
export function postForm(options: {
  url: string;
  fields: Record<string, string | undefined>;
  headers?: Record<string, string>;
}): Promise<Response> {
  const fields = Object.entries(options.fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return fetchWithTimeout(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

export function get(url: string, headers?: Record<string, string>): Promise<Response> {
  return fetchWithTimeout(url, { redirect: 'manual', headers });
}

/** `?a=b&…` percent-encoded (space as %20, as Codex and the gateway send it); undefined values are left out. */
export function toQuery(params: Record<string, string | undefined>): string {
  const entries = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return `?${entries.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&')}`;
}

/** A successful, uncached token answer with exactly these fields, in this order; returns its body. */
export async function expectTokenAnswer(response: Response, fields: readonly string[]): Promise<TokenResponseBody> {
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = (await response.json()) as TokenResponseBody;
  expect(Object.keys(body)).toEqual(fields);
  return body;
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The `session` hidden field of a consent page. */
export async function readSession(page: Response): Promise<string> {
  expect(page.status).toBe(200);
  return /name="session" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
}

/** The error code and description of an authorize error page, which must not redirect. */
export async function readErrorPage(response: Response): Promise<{ error: string; description: string }> {
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  const html = await response.text();
  const decode = (text: string) =>
    text
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
  return {
    error: decode(/data-error="([^"]*)"/.exec(html)?.[1] ?? ''),
    description: decode(/data-testid="error-description">([^<]*)</.exec(html)?.[1] ?? ''),
  };
}

/** A clock tests move by hand. */
export function createManualClock(start = Date.UTC(2026, 10, 23, 12)) {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}
