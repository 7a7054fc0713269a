import { createHash } from 'node:crypto';
import { expect } from 'vitest';
import { GENERATIVE_LANGUAGE_SCOPE } from './google-oauth-constants.ts';
import type { FakeGoogleOAuth } from './start-fake-google-oauth.ts';

/** Helpers shared by the google-oauth tests: plain HTTP, the way a web-server client talks to Google. */

export const TIMEOUT_MS = 5000;
export const SCOPE = `openid email ${GENERATIVE_LANGUAGE_SCOPE}`;
/** 64 characters of the RFC 7636 alphabet. */
export const CODE_VERIFIER = 'v'.repeat(32) + 'W'.repeat(32);

export function computeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

export type TokenResponseBody = {
  access_token: string;
  expires_in: number;
  refresh_token?: string;
  scope: string;
  token_type: string;
  id_token?: string;
};

export function postForm(options: {
  url: string;
  fields: Record<string, string>;
  headers?: Record<string, string>;
}): Promise<Response> {
  return fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...options.headers },
    body: new URLSearchParams(options.fields).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

export function get(url: string, headers?: Record<string, string>): Promise<Response> {
  return fetch(url, { redirect: 'manual', headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
}

/** The parameters the gateway sends; `overrides` replace or (with undefined) drop one. */
export function buildAuthorizeUrl(options: {
  fake: FakeGoogleOAuth;
  overrides?: Record<string, string | undefined>;
  codeVerifier?: string;
}): string {
  const client = options.fake.clients[0];
  const params: Record<string, string | undefined> = {
    client_id: client?.clientId,
    redirect_uri: client?.redirectUris[0],
    response_type: 'code',
    scope: SCOPE,
    state: 'state-123',
    code_challenge: computeChallenge(options.codeVerifier ?? CODE_VERIFIER),
    code_challenge_method: 'S256',
    access_type: 'offline',
    prompt: 'consent',
    ...options.overrides,
  };
  const query = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${options.fake.authorizationEndpoint}?${query}`;
}

/** Signs in through the consent page (or auto-approval) and returns the callback URL. */
export async function authorize(options: {
  fake: FakeGoogleOAuth;
  overrides?: Record<string, string | undefined>;
  codeVerifier?: string;
}): Promise<URL> {
  const response = await get(buildAuthorizeUrl(options));
  if (response.status === 200) {
    await response.body?.cancel();
    return new URL(options.fake.approveConsent().location);
  }
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

export async function getAuthorizationCode(options: {
  fake: FakeGoogleOAuth;
  overrides?: Record<string, string | undefined>;
  codeVerifier?: string;
}): Promise<string> {
  const callback = await authorize(options);
  const code = callback.searchParams.get('code');
  expect(code).not.toBeNull();
  return code ?? '';
}

/** A client_secret_post exchange with the default client; `overrides` replace or drop fields. */
export function exchangeCode(options: {
  fake: FakeGoogleOAuth;
  code: string;
  overrides?: Record<string, string | undefined>;
  headers?: Record<string, string>;
}): Promise<Response> {
  const client = options.fake.clients[0];
  const fields: Record<string, string | undefined> = {
    code: options.code,
    client_id: client?.clientId,
    client_secret: client?.clientSecret,
    redirect_uri: client?.redirectUris[0],
    grant_type: 'authorization_code',
    code_verifier: CODE_VERIFIER,
    ...options.overrides,
  };
  return postForm({
    url: options.fake.tokenEndpoint,
    fields: Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] != null)),
    ...(options.headers == null ? {} : { headers: options.headers }),
  });
}

export function refresh(options: {
  fake: FakeGoogleOAuth;
  refreshToken: string;
  overrides?: Record<string, string | undefined>;
}): Promise<Response> {
  const client = options.fake.clients[0];
  const fields: Record<string, string | undefined> = {
    client_id: client?.clientId,
    client_secret: client?.clientSecret,
    grant_type: 'refresh_token',
    refresh_token: options.refreshToken,
    ...options.overrides,
  };
  return postForm({
    url: options.fake.tokenEndpoint,
    fields: Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] != null)),
  });
}

export async function signIn(options: {
  fake: FakeGoogleOAuth;
  overrides?: Record<string, string | undefined>;
}): Promise<TokenResponseBody> {
  const code = await getAuthorizationCode(options);
  const response = await exchangeCode({ fake: options.fake, code });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenResponseBody;
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value);
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** The error code and description of an authorize error page. */
export async function readErrorPage(response: Response): Promise<{ error: string; description: string }> {
  const html = await response.text();
  const error = /data-error="([^"]*)"/.exec(html)?.[1] ?? '';
  const description = /data-testid="error-description">([^<]*)</.exec(html)?.[1] ?? '';
  const decodeEntities = (text: string) =>
    text
      .replaceAll('&quot;', '"')
      .replaceAll('&#39;', "'")
      .replaceAll('&lt;', '<')
      .replaceAll('&gt;', '>')
      .replaceAll('&amp;', '&');
  return { error: decodeEntities(error), description: decodeEntities(description) };
}

export function createManualClock(start = Date.UTC(2026, 10, 23, 12)) {
  let current = start;
  return {
    now: () => current,
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}
