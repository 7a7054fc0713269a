import { expect } from 'vitest';
import { computePkceChallenge } from './compute-pkce-challenge.ts';
import { OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import type { FakeOpenAiAuth } from './start-fake-openai-auth.ts';

/** Helpers shared by the openai-auth tests: plain HTTP, the way Codex talks to auth.openai.com. */

export const TIMEOUT_MS = 5000;
export const CODEX_REDIRECT_URI = 'http://127.0.0.1:1455/auth/callback';
export const CODEX_SCOPE = 'openid profile email offline_access api.connectors.read api.connectors.invoke';
/** 86 characters, like Codex's 64 random bytes in base64url. */
export const CODE_VERIFIER = 'x'.repeat(43) + 'Y'.repeat(43);

export function postForm(options: { url: string; fields: Record<string, string> }): Promise<Response> {
  return fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(options.fields).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

export function postJson(options: { url: string; body: unknown }): Promise<Response> {
  return fetch(options.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(options.body),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
}

export function get(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
}

/** Codex's authorize parameters, in its order; `overrides` replace or (with undefined) drop one. */
export function buildAuthorizeUrl(options: {
  fake: FakeOpenAiAuth;
  overrides?: Record<string, string | undefined>;
  codeVerifier?: string;
}): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: OPENAI_CODEX_CLIENT_ID,
    redirect_uri: CODEX_REDIRECT_URI,
    scope: CODEX_SCOPE,
    code_challenge: computePkceChallenge(options.codeVerifier ?? CODE_VERIFIER),
    code_challenge_method: 'S256',
    id_token_add_organizations: 'true',
    codex_cli_simplified_flow: 'true',
    state: 'state-123',
    originator: 'codex_cli_rs',
    ...options.overrides,
  };
  // Codex percent-encodes (space as %20); URLSearchParams would use `+`, which tests cover separately.
  const query = Object.entries(params)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return `${options.fake.url}/oauth/authorize?${query}`;
}

/** Opens the consent page and approves (or denies) for the given account; returns the redirect target. */
export async function decideConsent(options: {
  fake: FakeOpenAiAuth;
  authorizeUrl: string;
  decision?: 'approve' | 'deny';
  account?: string;
}): Promise<URL> {
  const page = await get(options.authorizeUrl);
  expect(page.status).toBe(200);
  const session = /name="session" value="([^"]+)"/.exec(await page.text())?.[1];
  expect(session).toBeDefined();
  const response = await postForm({
    url: `${options.fake.url}/oauth/authorize/decision`,
    fields: {
      session: session ?? '',
      decision: options.decision ?? 'approve',
      account: options.account ?? options.fake.accounts[0]?.chatgptAccountId ?? '',
    },
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

export async function getAuthorizationCode(options: {
  fake: FakeOpenAiAuth;
  overrides?: Record<string, string | undefined>;
  account?: string;
}): Promise<string> {
  const location = await decideConsent({
    fake: options.fake,
    authorizeUrl: buildAuthorizeUrl({
      fake: options.fake,
      ...(options.overrides ? { overrides: options.overrides } : {}),
    }),
    ...(options.account == null ? {} : { account: options.account }),
  });
  const code = location.searchParams.get('code');
  expect(code).toMatch(/^ac_/);
  return code ?? '';
}

export function exchangeCode(options: {
  fake: FakeOpenAiAuth;
  code: string;
  overrides?: Record<string, string | undefined>;
}): Promise<Response> {
  const fields: Record<string, string | undefined> = {
    grant_type: 'authorization_code',
    code: options.code,
    redirect_uri: CODEX_REDIRECT_URI,
    client_id: OPENAI_CODEX_CLIENT_ID,
    code_verifier: CODE_VERIFIER,
    ...options.overrides,
  };
  return postForm({
    url: `${options.fake.url}/oauth/token`,
    fields: Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] != null)),
  });
}

export type TokenResponseBody = {
  id_token: string;
  access_token: string;
  refresh_token: string;
  expires_in: number;
  token_type: string;
  scope: string;
};

/** The whole browser flow, as Codex does it, ending in a token response. */
export async function signIn(fake: FakeOpenAiAuth): Promise<TokenResponseBody> {
  const code = await getAuthorizationCode({ fake });
  const response = await exchangeCode({ fake, code });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenResponseBody;
}

/** What Codex 0.169 sends (docs/codex-protocol.md §10). */
export function refreshAsCodex(options: { fake: FakeOpenAiAuth; refreshToken: string }): Promise<Response> {
  return postJson({
    url: `${options.fake.url}/oauth/token`,
    body: {
      client_id: OPENAI_CODEX_CLIENT_ID,
      grant_type: 'refresh_token',
      refresh_reason: 'proactive_expiry',
      refresh_token: options.refreshToken,
    },
  });
}

export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A clock tests move by hand. */
export function createManualClock(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance(seconds: number) {
      now += seconds * 1000;
    },
  };
}
