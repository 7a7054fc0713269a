import { expect } from 'vitest';
import type { TokenResponseBody } from '../oauth-server/oauth-test-support.ts';
import { get, postForm, toQuery } from '../oauth-server/oauth-test-support.ts';
import { computePkceChallenge } from '../oauth-server/oauth-wire.ts';
import { GENERATIVE_LANGUAGE_SCOPE } from './create-fake-google-oauth-store.ts';
import type { FakeGoogleOAuth } from './google-oauth-fake.ts';

/** Helpers of the google-oauth tests, the way a web-server client (the gateway) talks to Google. */

const SCOPE = `openid email ${GENERATIVE_LANGUAGE_SCOPE}`;
/** 64 characters of the RFC 7636 alphabet. */
const CODE_VERIFIER = 'v'.repeat(32) + 'W'.repeat(32);

type Options = {
  fake: FakeGoogleOAuth;
  overrides?: Record<string, string | undefined>;
  headers?: Record<string, string>;
};

/** The parameters the gateway sends; `overrides` replace or (with undefined) drop one. */
export function buildAuthorizeUrl({ fake, overrides }: Options): string {
  const client = { client_id: fake.clients[0]?.clientId, redirect_uri: fake.clients[0]?.redirectUris[0] };
  const pkce = { code_challenge: computePkceChallenge(CODE_VERIFIER), code_challenge_method: 'S256' };
  const params = {
    ...client,
    response_type: 'code',
    scope: SCOPE,
    state: 'state-123',
    ...pkce,
    access_type: 'offline',
  };
  return `${fake.authorizationEndpoint}${toQuery({ ...params, prompt: 'consent', ...overrides })}`;
}

/** Signs in through the consent page (or auto-approval) and returns the callback URL. */
export async function authorize(options: Options): Promise<URL> {
  const response = await get(buildAuthorizeUrl(options));
  if (response.status === 200) {
    await response.body?.cancel();
    return new URL(options.fake.approveConsent().location);
  }
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

export async function getAuthorizationCode(options: Options): Promise<string> {
  const code = (await authorize(options)).searchParams.get('code');
  expect(code).not.toBeNull();
  return code ?? '';
}

/** A client_secret_post call of the default client to the token endpoint; `overrides` replace or drop fields. */
function postToken(options: Options & { fields: Record<string, string | undefined> }): Promise<Response> {
  const { fake, headers } = options;
  const client = { client_id: fake.clients[0]?.clientId, client_secret: fake.clients[0]?.clientSecret };
  return postForm({ url: fake.tokenEndpoint, fields: { ...client, ...options.fields, ...options.overrides }, headers });
}

export function exchangeCode(options: Options & { code: string }): Promise<Response> {
  const redirectUri = options.fake.clients[0]?.redirectUris[0];
  const fields = { code: options.code, redirect_uri: redirectUri, code_verifier: CODE_VERIFIER };
  return postToken({ ...options, fields: { ...fields, grant_type: 'authorization_code' } });
}

export function refresh(options: Options & { refreshToken: string }): Promise<Response> {
  return postToken({ ...options, fields: { grant_type: 'refresh_token', refresh_token: options.refreshToken } });
}

export async function signIn(options: Options): Promise<TokenResponseBody> {
  const response = await exchangeCode({ fake: options.fake, code: await getAuthorizationCode(options) });
  expect(response.status).toBe(200);
  return (await response.json()) as TokenResponseBody;
}

export function basicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(clientSecret)}`).toString('base64')}`;
}
