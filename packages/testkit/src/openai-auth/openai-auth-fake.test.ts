import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { decodeJwtPayload, get } from '../oauth-server/oauth-test-support.ts';
import { postJson, TIMEOUT_MS } from '../test-fetch.ts';
import { OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import type { FakeOpenAiAuth } from './openai-auth-fake.ts';
import { startFakeOpenAiAuth } from './openai-auth-fake.ts';
import { refreshAsCodex, refreshedBody } from './test-support.ts';

let fake: FakeOpenAiAuth;
beforeEach(async () => {
  fake = await startFakeOpenAiAuth();
});
afterEach(closeAllFakeServers);

const hook = (path: string, body: unknown = {}) => postJson({ url: `${fake.url}/__testkit${path}`, body });

describe('/__testkit hooks over HTTP', () => {
  it('should approve and deny device codes', async () => {
    const newDevice = async () =>
      (await (
        await postJson({
          url: `${fake.url}/api/accounts/deviceauth/usercode`,
          body: { client_id: OPENAI_CODEX_CLIENT_ID },
        })
      ).json()) as { device_auth_id: string; user_code: string };
    const approved = await newDevice();
    const denied = await newDevice();

    const approve = await hook('/device/approve', { user_code: approved.user_code });
    const deny = await hook('/device/deny', { user_code: denied.user_code });
    const poll = (device: { device_auth_id: string; user_code: string }) =>
      postJson({ url: `${fake.url}/api/accounts/deviceauth/token`, body: device });

    expect(await approve.json()).toEqual({ ok: true });
    expect(await deny.json()).toEqual({ ok: true });
    expect((await poll(approved)).status).toBe(200);
    expect((await poll(denied)).status).toBe(401);
  });

  it('should mint, list, expire and invalidate tokens', async () => {
    const minted = (await (await hook('/tokens/mint', { access_token_ttl_seconds: 120 })).json()) as {
      refreshToken: string;
      accessToken: string;
    };
    const expire = await hook('/refresh-tokens/expire');
    const expired = await refreshAsCodex({ fake, refreshToken: minted.refreshToken });
    const invalidate = await hook('/refresh-tokens/invalidate', { account: 'user@example.com' });
    const invalidated = await refreshAsCodex({ fake, refreshToken: minted.refreshToken });
    const list = (await (await get(`${fake.url}/__testkit/tokens`)).json()) as { tokens: unknown[] };

    const access = decodeJwtPayload(minted.accessToken);
    expect((access.exp as number) - (access.iat as number)).toBe(120);
    expect(await expire.json()).toEqual({ count: 1 });
    expect(await expired.json()).toMatchObject({ error: { code: 'refresh_token_expired' } });
    expect(await invalidate.json()).toEqual({ count: 1 });
    expect(await invalidated.json()).toMatchObject({ error: { code: 'refresh_token_invalidated' } });
    expect(list.tokens).toMatchObject([
      { grant: 'minted', refreshTokenStatus: 'invalidated', email: 'user@example.com' },
    ]);
  });

  it('issue 14: should queue refresh-answer quirks and tell access-token status', async () => {
    const tokens = await fake.mintTokens();

    const quirk = await hook('/refresh-answer-quirks', { quirks: ['no-access-token'] });
    const refreshed = await refreshedBody({ fake, refreshToken: tokens.refreshToken });
    const status = (accessToken: string) => hook('/access-tokens/status', { access_token: accessToken });
    const beforeReuse = await status(tokens.accessToken);
    await refreshAsCodex({ fake, refreshToken: tokens.refreshToken });
    const afterReuse = await status(tokens.accessToken);
    const unknown = await status('eyJ.unknown.x');
    const badQuirk = await hook('/refresh-answer-quirks', { quirks: ['no-such-quirk'] });

    expect(await quirk.json()).toEqual({ ok: true });
    expect(refreshed).not.toHaveProperty('access_token');
    expect(refreshed.refresh_token).toMatch(/^rt_/);
    expect(await beforeReuse.json()).toEqual({ status: 'active' });
    expect(await afterReuse.json()).toEqual({ status: 'revoked' });
    expect(await unknown.json()).toEqual({ status: 'unknown' });
    expect(badQuirk.status).toBe(400);
    expect(await badQuirk.json()).toMatchObject({ error: { code: 'ERR_INVALID_ARG_VALUE' } });
  });

  it('should read and set modes, and reset everything', async () => {
    await fake.mintTokens();

    const set = await hook('/modes', { autoApprove: true, refreshTokenReusedStatus: 400 });
    const read = await get(`${fake.url}/__testkit/modes`);
    await hook('/reset');

    expect(await set.json()).toMatchObject({ autoApprove: true, refreshTokenReusedStatus: 400 });
    expect(await read.json()).toEqual({
      autoApprove: true,
      isCodexEntitlementMissing: false,
      refreshTokenReusedStatus: 400,
      deviceCodeEnabled: true,
      devicePendingStatus: 403,
    });
    expect(fake.modes).toMatchObject({ autoApprove: false, refreshTokenReusedStatus: 401 });
    expect(fake.issuedTokens).toEqual([]);
    expect(fake.requests).toEqual([]);
  });

  it('should list recorded requests without its own traffic', async () => {
    await postJson({ url: `${fake.url}/oauth/revoke`, body: { token: 'rt_x' } });
    await get(`${fake.url}/__testkit/modes`);

    const list = (await (await get(`${fake.url}/__testkit/requests`)).json()) as { requests: unknown[] };

    expect(list.requests).toMatchObject([{ method: 'POST', path: '/oauth/revoke', json: { token: 'rt_x' } }]);
  });

  it.each<[string, string, unknown, string]>([
    ['an unknown mode', '/modes', { nope: true }, 'ERR_INVALID_ARG_VALUE'],
    ['a bad mode value', '/modes', { refreshTokenReusedStatus: 500 }, 'ERR_INVALID_ARG_VALUE'],
    ['approve without user_code', '/device/approve', {}, 'ERR_INVALID_ARG_TYPE'],
    ['approve of an unknown code', '/device/approve', { user_code: 'ABCD-00000' }, 'ERR_INVALID_ARG_VALUE'],
    ['an unknown account', '/refresh-tokens/invalidate', { account: 'x@example.com' }, 'ERR_INVALID_ARG_VALUE'],
    ['a string ttl', '/tokens/mint', { access_token_ttl_seconds: '5' }, 'ERR_INVALID_ARG_TYPE'],
    ['a negative ttl', '/tokens/mint', { access_token_ttl_seconds: -1 }, 'ERR_INVALID_ARG_VALUE'],
  ])('should answer 400 for %s', async (_case, path, body, code) => {
    const response = await hook(path, body);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code, message: expect.any(String) } });
  });

  it('should reject a hook body that is not JSON', async () => {
    const response = await fetch(`${fake.url}/__testkit/modes`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'autoApprove=true',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });

    expect(response.status).toBe(400);
  });
});
