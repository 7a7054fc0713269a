import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { get } from '../oauth-server/oauth-test-support.ts';
import { TIMEOUT_MS } from '../test-fetch.ts';
import { DEFAULT_FAKE_GOOGLE_ACCOUNT, GENERATIVE_LANGUAGE_SCOPE } from './create-fake-google-oauth-store.ts';
import type { FakeGoogleOAuth } from './google-oauth-fake.ts';
import { startFakeGoogleOAuth } from './google-oauth-fake.ts';
import { buildAuthorizeUrl, exchangeCode, refresh } from './test-support.ts';

let fake: FakeGoogleOAuth;
beforeEach(async () => {
  fake = await startFakeGoogleOAuth({
    accounts: [{ email: 'first@gmail.example' }, { email: 'second@gmail.example' }],
  });
});
afterEach(closeAllFakeServers);

async function hook(method: 'GET' | 'POST', path: string, body?: unknown) {
  const response = await fetch(`${fake.url}/__testkit${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('google-oauth test hooks over HTTP', () => {
  it('should list a pending consent and approve it for a chosen account with unticked scopes', async () => {
    await (await get(buildAuthorizeUrl({ fake }))).body?.cancel();
    const pending = await hook('GET', '/consents');
    expect(pending.body.consents).toMatchObject([{ state: 'state-123', loginHint: null }]);

    const approved = await hook('POST', '/consent/approve', { account: 'second@gmail.example', scopes: [] });

    expect(approved.status).toBe(200);
    const callback = new URL(String(approved.body.location));
    expect(callback.searchParams.get('scope')).toBe('openid https://www.googleapis.com/auth/userinfo.email');
    const tokens = (await (await exchangeCode({ fake, code: callback.searchParams.get('code') ?? '' })).json()) as {
      access_token: string;
    };
    expect(fake.verifyAccessToken(tokens.access_token)?.email).toBe('second@gmail.example');
  });

  it('should deny a pending consent', async () => {
    await (await get(buildAuthorizeUrl({ fake }))).body?.cancel();

    const denied = await hook('POST', '/consent/deny', {});

    expect(denied.body.location).toMatch(/\?error=access_denied&state=state-123$/);
  });

  it('should mint, verify, expire and revoke tokens per account', async () => {
    const minted = await hook('POST', '/tokens/mint', {
      account: 'second@gmail.example',
      access_token_ttl_seconds: 60,
    });
    expect(minted.body).toMatchObject({ email: 'second@gmail.example', expiresIn: 60, grant: 'minted' });
    const accessToken = String(minted.body.accessToken);
    const refreshToken = String(minted.body.refreshToken);

    const verified = await hook('POST', '/tokens/verify', { access_token: accessToken });
    expect(verified.body.token).toMatchObject({
      email: 'second@gmail.example',
      scopes: ['openid', 'https://www.googleapis.com/auth/userinfo.email', GENERATIVE_LANGUAGE_SCOPE],
    });
    expect((await hook('POST', '/access-tokens/expire', { account: 'first@gmail.example' })).body).toEqual({
      count: 0,
    });
    expect((await hook('POST', '/access-tokens/expire', {})).body).toEqual({ count: 1 });
    expect((await hook('POST', '/tokens/verify', { access_token: accessToken })).body).toEqual({ token: null });
    expect((await refresh({ fake, refreshToken })).status).toBe(200);
    expect((await hook('POST', '/refresh-tokens/expire', {})).body).toEqual({ count: 1 });
    expect((await refresh({ fake, refreshToken })).status).toBe(400);
    expect((await hook('POST', '/tokens/revoke-all', { account: 'second@gmail.example' })).body).toEqual({ count: 1 });
    expect((await hook('GET', '/tokens')).body.tokens).toHaveLength(2);
  });

  it('should register a client, set modes, list requests without hook traffic, and reset', async () => {
    expect(
      (
        await hook('POST', '/clients', {
          client_id: 'hooked',
          client_secret: 'hooked-secret',
          redirect_uris: ['http://127.0.0.1:9/cb'],
        })
      ).body,
    ).toEqual({ ok: true });
    expect((await hook('POST', '/modes', { autoApprove: true })).body).toMatchObject({ autoApprove: true });
    const authorize = await get(
      buildAuthorizeUrl({ fake, overrides: { client_id: 'hooked', redirect_uri: 'http://127.0.0.1:9/cb' } }),
    );
    expect(authorize.headers.get('location')).toMatch(/^http:\/\/127\.0\.0\.1:9\/cb\?state=state-123&code=/);
    const requests = (await hook('GET', '/requests')).body.requests as { path: string }[];
    expect(requests.map((request) => request.path)).toEqual(['/o/oauth2/v2/auth']);

    expect((await hook('POST', '/reset')).body).toEqual({ ok: true });

    expect((await hook('GET', '/modes')).body).toMatchObject({ autoApprove: false });
    expect(((await hook('GET', '/clients')).body.clients as unknown[]).length).toBe(1);
  });

  it.each([
    ['POST', '/consent/approve', {}, 'ERR_INVALID_ARG_VALUE', 'no sign-in is waiting for consent'],
    ['POST', '/consent/approve', { scopes: 'all' }, 'ERR_INVALID_ARG_TYPE', '"scopes" must be an array of strings'],
    ['POST', '/tokens/verify', {}, 'ERR_INVALID_ARG_TYPE', '"access_token" must be a non-empty string'],
    [
      'POST',
      '/tokens/mint',
      { account: 'nobody@example.com' },
      'ERR_INVALID_ARG_VALUE',
      '"account" "nobody@example.com" is not a known email or sub',
    ],
    ['POST', '/modes', { bogus: true }, 'ERR_INVALID_ARG_VALUE', '"modes.bogus" is not a mode'],
    [
      'POST',
      '/clients',
      { client_id: 'x', client_secret: 'y' },
      'ERR_INVALID_ARG_TYPE',
      '"client.redirectUris" must be a non-empty array of absolute URLs',
    ],
  ] as const)('should answer %s %s %j with 400 %s', async (method, path, body, code, message) => {
    const response = await hook(method, path, body);

    expect(response).toEqual({ status: 400, body: { error: { code, message } } });
  });

  it('should expose the default account ids for fixtures', () => {
    expect(DEFAULT_FAKE_GOOGLE_ACCOUNT.sub).toMatch(/^\d{21}$/);
  });
});
