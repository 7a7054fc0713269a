import { expect } from 'vitest';
import type { TokenResponseBody } from '../oauth-server/oauth-test-support.ts';
import { get, postForm, readSession, toQuery } from '../oauth-server/oauth-test-support.ts';
import { computePkceChallenge } from '../oauth-server/oauth-wire.ts';
import { postJson } from '../test-fetch.ts';
import { OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import type { FakeOpenAiAuth } from './openai-auth-fake.ts';

/** Helpers of the openai-auth tests, the way Codex talks to auth.openai.com. */

export const CODEX_REDIRECT_URI = 'http://127.0.0.1:1455/auth/callback';
export const CODEX_SCOPE = 'openid profile email offline_access api.connectors.read api.connectors.invoke';
/** 86 characters, like Codex's 64 random bytes in base64url. */
export const CODE_VERIFIER = 'x'.repeat(43) + 'Y'.repeat(43);

type Options = { fake: FakeOpenAiAuth; overrides?: Record<string, string | undefined> };

/** Codex's authorize parameters, in its order; `overrides` replace or (with undefined) drop one. */
export function buildAuthorizeUrl({ fake, overrides }: Options): string {
  const challenge = computePkceChallenge(CODE_VERIFIER);
  const pkce = { code_challenge: challenge, code_challenge_method: 'S256' };
  const codex = { id_token_add_organizations: 'true', codex_cli_simplified_flow: 'true', state: 'state-123' };
  const client = { response_type: 'code', client_id: OPENAI_CODEX_CLIENT_ID, redirect_uri: CODEX_REDIRECT_URI };
  const query = toQuery({ ...client, scope: CODEX_SCOPE, ...pkce, ...codex, originator: 'codex_cli_rs', ...overrides });
  return `${fake.url}/oauth/authorize${query}`;
}

/** Opens the consent page and approves (or denies) for the given account; returns the redirect target. */
export async function decideConsent(options: Options & { decision?: 'approve' | 'deny'; account?: string }) {
  const response = await postForm({
    url: `${options.fake.url}/oauth/authorize/decision`,
    fields: {
      session: await readSession(await get(buildAuthorizeUrl(options))),
      decision: options.decision ?? 'approve',
      account: options.account ?? options.fake.accounts[0]?.chatgptAccountId,
    },
  });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

export async function getAuthorizationCode(options: Options): Promise<string> {
  const code = (await decideConsent(options)).searchParams.get('code');
  expect(code).toMatch(/^ac_/);
  return code ?? '';
}

export function exchangeCode({ fake, code, overrides }: Options & { code: string }): Promise<Response> {
  const fields = { grant_type: 'authorization_code', code, redirect_uri: CODEX_REDIRECT_URI };
  const client = { client_id: OPENAI_CODEX_CLIENT_ID, code_verifier: CODE_VERIFIER };
  return postForm({ url: `${fake.url}/oauth/token`, fields: { ...fields, ...client, ...overrides } });
}

/** The whole browser flow, as Codex does it, ending in a token response. */
export async function signIn(fake: FakeOpenAiAuth): Promise<TokenResponseBody> {
  const response = await exchangeCode({ fake, code: await getAuthorizationCode({ fake }) });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenResponseBody;
}

/** What Codex 0.169 sends (docs/codex-protocol.md §10). */
export function refreshAsCodex(options: { fake: FakeOpenAiAuth; refreshToken: string }): Promise<Response> {
  const { fake, refreshToken } = options;
  const body = { client_id: OPENAI_CODEX_CLIENT_ID, grant_type: 'refresh_token', refresh_reason: 'proactive_expiry' };
  return postJson({ url: `${fake.url}/oauth/token`, body: { ...body, refresh_token: refreshToken } });
}

export async function refreshedBody(options: { fake: FakeOpenAiAuth; refreshToken: string }) {
  return (await (await refreshAsCodex(options)).json()) as TokenResponseBody & Record<string, unknown>;
}
