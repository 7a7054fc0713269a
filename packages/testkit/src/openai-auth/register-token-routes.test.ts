import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import type { TokenResponseBody } from '../oauth-server/oauth-test-support.ts';
import { createManualClock, expectTokenAnswer, postForm } from '../oauth-server/oauth-test-support.ts';
import { postJson, TIMEOUT_MS } from '../test-fetch.ts';
import { OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import { startFakeOpenAiAuth } from './openai-auth-fake.ts';
import {
  CODEX_SCOPE,
  exchangeCode,
  getAuthorizationCode,
  refreshAsCodex,
  refreshedBody,
  signIn,
} from './test-support.ts';

afterEach(closeAllFakeServers);

const TOKEN_FIELDS = ['id_token', 'access_token', 'refresh_token', 'expires_in', 'token_type', 'scope'];

describe('POST /oauth/token (authorization_code)', () => {
  it('should exchange a code for the full token response', async () => {
    const fake = await startFakeOpenAiAuth();
    const code = await getAuthorizationCode({ fake });

    const response = await exchangeCode({ fake, code });

    const body = await expectTokenAnswer(response, TOKEN_FIELDS);
    expect(body).toMatchObject({ expires_in: 864000, token_type: 'Bearer', scope: CODEX_SCOPE });
    expect(body.id_token.split('.')).toHaveLength(3);
    expect(body.access_token.split('.')).toHaveLength(3);
    expect(body.refresh_token).toMatch(/^rt_[A-Za-z0-9_-]{43}$/);
    expect(fake.issuedTokens).toMatchObject([
      { grant: 'authorization_code', email: 'user@example.com', refreshTokenStatus: 'active' },
    ]);
  });

  it('should accept the redirect_uri exactly as sent at authorize, localhost included', async () => {
    const fake = await startFakeOpenAiAuth();
    const redirectUri = 'http://localhost:1457/auth/callback';
    const code = await getAuthorizationCode({ fake, overrides: { redirect_uri: redirectUri } });

    const response = await exchangeCode({ fake, code, overrides: { redirect_uri: redirectUri } });

    expect(response.status).toBe(200);
  });

  it('should make the code single-use and revoke what its first use produced', async () => {
    const fake = await startFakeOpenAiAuth();
    const code = await getAuthorizationCode({ fake });
    const first = (await (await exchangeCode({ fake, code })).json()) as TokenResponseBody;

    const second = await exchangeCode({ fake, code });

    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The authorization code has already been used.',
    });
    const refresh = await refreshAsCodex({ fake, refreshToken: first.refresh_token });
    expect(refresh.status).toBe(401);
    expect(await refresh.json()).toMatchObject({ error: { code: 'refresh_token_invalidated' } });
  });

  it('should expire a code after authorizationCodeTtlSeconds', async () => {
    const clock = createManualClock();
    const fake = await startFakeOpenAiAuth({ now: clock.now, authorizationCodeTtlSeconds: 60 });
    const fresh = await getAuthorizationCode({ fake });
    const stale = await getAuthorizationCode({ fake });

    clock.advance(59);
    const inTime = await exchangeCode({ fake, code: fresh });
    clock.advance(1);
    const late = await exchangeCode({ fake, code: stale });

    expect(inTime.status).toBe(200);
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'The authorization code has expired.',
    });
  });

  it.each<[string, Record<string, string | undefined>, number, string]>([
    ['no client_id', { client_id: undefined }, 401, 'invalid_client'],
    ['another client_id', { client_id: 'app_other' }, 401, 'invalid_client'],
    ['no code', { code: undefined }, 400, 'invalid_request'],
    ['an unknown code', { code: 'ac_nope' }, 400, 'invalid_grant'],
    ['no redirect_uri', { redirect_uri: undefined }, 400, 'invalid_request'],
    ['an unregistered port', { redirect_uri: 'http://localhost:1456/auth/callback' }, 403, 'unauthorized_client'],
    ['an unregistered host', { redirect_uri: 'http://example.com/auth/callback' }, 403, 'unauthorized_client'],
    ['another registered redirect_uri', { redirect_uri: 'http://localhost:1455/auth/callback' }, 400, 'invalid_grant'],
    ['no code_verifier', { code_verifier: undefined }, 400, 'invalid_request'],
    ['a wrong code_verifier', { code_verifier: 'w'.repeat(86) }, 400, 'invalid_grant'],
    ['a too short code_verifier', { code_verifier: 'short' }, 400, 'invalid_grant'],
    ['no grant_type', { grant_type: undefined }, 400, 'invalid_request'],
    ['an unknown grant_type', { grant_type: 'password' }, 400, 'unsupported_grant_type'],
    ['client_credentials', { grant_type: 'client_credentials' }, 400, 'unsupported_grant_type'],
  ])('should reject %s', async (_case, overrides, status, error) => {
    const fake = await startFakeOpenAiAuth();
    const code = await getAuthorizationCode({ fake });

    const response = await exchangeCode({ fake, code, overrides });

    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error, error_description: expect.any(String) });
    // The code survives a rejected attempt, so the right request still works.
    expect((await exchangeCode({ fake, code })).status).toBe(200);
  });

  it.each([
    ['the pre-June-2026 scope', 'openid profile email offline_access'],
    ["CLIProxyAPI's order without connectors", 'openid email profile offline_access'],
    ['only one connector scope', 'openid profile email offline_access api.connectors.read'],
  ])('issue 14: should answer 403 at the exchange, not at authorize, for %s', async (_case, scope) => {
    const fake = await startFakeOpenAiAuth();
    const code = await getAuthorizationCode({ fake, overrides: { scope } });

    const response = await exchangeCode({ fake, code });

    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: 'invalid_scope', error_description: expect.any(String) });
    expect(fake.issuedTokens).toEqual([]);
  });

  it('should take the connector scopes in any order and encoding', async () => {
    const fake = await startFakeOpenAiAuth();
    const code = await getAuthorizationCode({
      fake,
      overrides: { scope: 'api.connectors.invoke openid email profile offline_access api.connectors.read' },
    });

    expect((await exchangeCode({ fake, code })).status).toBe(200);
  });

  it('should reject a code sent as JSON, as no real client does that', async () => {
    const fake = await startFakeOpenAiAuth();
    const code = await getAuthorizationCode({ fake });

    const response = await postJson({
      url: `${fake.url}/oauth/token`,
      body: { grant_type: 'authorization_code', code, client_id: OPENAI_CODEX_CLIENT_ID },
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'This grant must be sent as application/x-www-form-urlencoded.',
    });
  });

  it.each<[string, string | undefined, string]>([
    ['text/plain', 'text/plain', 'grant_type=authorization_code'],
    ['no content type', undefined, 'grant_type=authorization_code'],
    ['broken JSON', 'application/json', '{"grant_type":'],
    ['a JSON array', 'application/json', '[]'],
    ['a repeated form field', 'application/x-www-form-urlencoded', 'grant_type=refresh_token&grant_type=password'],
  ])('should reject a body with %s', async (_case, contentType, body) => {
    const fake = await startFakeOpenAiAuth();

    const response = await fetch(`${fake.url}/oauth/token`, {
      method: 'POST',
      headers: contentType == null ? {} : { 'content-type': contentType },
      body: contentType == null ? new Blob([body]) : body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('POST /oauth/token (token exchange for an API key)', () => {
  const exchange = (options: { url: string; idToken: string; overrides?: Record<string, string> }) =>
    postForm({
      url: `${options.url}/oauth/token`,
      fields: {
        grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
        client_id: OPENAI_CODEX_CLIENT_ID,
        requested_token: 'openai-api-key',
        subject_token: options.idToken,
        subject_token_type: 'urn:ietf:params:oauth:token-type:id_token',
        ...options.overrides,
      },
    });

  it('should return a fake API key for an id_token it issued', async () => {
    const fake = await startFakeOpenAiAuth();
    const tokens = await signIn(fake);

    const response = await exchange({ url: fake.url, idToken: tokens.id_token });

    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(['access_token']);
    expect(body.access_token).toMatch(/^sk-fake-/);
  });

  it.each<[string, Record<string, string>, number, string]>([
    ['an unknown subject_token', { subject_token: 'eyJ.nope.x' }, 400, 'invalid_grant'],
    ['another requested_token', { requested_token: 'something' }, 400, 'invalid_request'],
    ['another subject_token_type', { subject_token_type: 'urn:x' }, 400, 'invalid_request'],
    ['another client', { client_id: 'app_other' }, 401, 'invalid_client'],
  ])('should reject %s', async (_case, overrides, status, error) => {
    const fake = await startFakeOpenAiAuth();
    const tokens = await signIn(fake);

    const response = await exchange({ url: fake.url, idToken: tokens.id_token, overrides });

    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error });
  });
});

describe('POST /oauth/revoke', () => {
  it('should accept Codex JSON with a refresh token and kill the whole family', async () => {
    const fake = await startFakeOpenAiAuth();
    const first = await signIn(fake);
    const rotated = await refreshedBody({ fake, refreshToken: first.refresh_token });

    const response = await postJson({
      url: `${fake.url}/oauth/revoke`,
      body: { token: rotated.refresh_token, token_type_hint: 'refresh_token', client_id: OPENAI_CODEX_CLIENT_ID },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
    for (const refreshToken of [first.refresh_token, rotated.refresh_token]) {
      const refresh = await refreshAsCodex({ fake, refreshToken });
      expect(refresh.status).toBe(401);
      expect(await refresh.json()).toMatchObject({ error: { code: 'refresh_token_invalidated' } });
    }
    expect(fake.issuedTokens.map((tokens) => tokens.refreshTokenStatus)).toEqual(['invalidated', 'invalidated']);
  });

  it('should accept an access token without client_id, as Codex sends it', async () => {
    const fake = await startFakeOpenAiAuth();
    const tokens = await signIn(fake);

    const response = await postJson({
      url: `${fake.url}/oauth/revoke`,
      body: { token: tokens.access_token, token_type_hint: 'access_token' },
    });

    expect(response.status).toBe(200);
    expect((await refreshAsCodex({ fake, refreshToken: tokens.refresh_token })).status).toBe(401);
  });

  it('should answer 200 for an unknown token (RFC 7009) and reject malformed requests', async () => {
    const fake = await startFakeOpenAiAuth();

    const unknown = await postJson({ url: `${fake.url}/oauth/revoke`, body: { token: 'rt_unknown' } });
    const missing = await postJson({ url: `${fake.url}/oauth/revoke`, body: {} });
    const client = await postJson({ url: `${fake.url}/oauth/revoke`, body: { token: 'x', client_id: 'app_other' } });
    const form = await postForm({ url: `${fake.url}/oauth/revoke`, fields: { token: 'rt_unknown' } });

    expect(unknown.status).toBe(200);
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: 'invalid_request' });
    expect(client.status).toBe(401);
    expect(await client.json()).toMatchObject({ error: 'invalid_client' });
    expect(form.status).toBe(200);
  });
});
