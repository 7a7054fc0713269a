import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import type { TokenResponseBody } from '../oauth-server/oauth-test-support.ts';
import { createManualClock, decodeJwtPayload, postForm } from '../oauth-server/oauth-test-support.ts';
import { postJson } from '../test-fetch.ts';
import { OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import type { FakeOpenAiAuth } from './openai-auth-fake.ts';
import { startFakeOpenAiAuth } from './openai-auth-fake.ts';
import type { FakeOpenAiRefreshAnswerQuirk } from './register-token-routes.ts';
import { refreshAsCodex, refreshedBody, signIn } from './test-support.ts';

let fake: FakeOpenAiAuth;
beforeEach(async () => {
  fake = await startFakeOpenAiAuth();
});
afterEach(closeAllFakeServers);

const REUSED_BODY = {
  error: {
    message: 'Your refresh token has already been used to generate a new access token. Please try signing in again.',
    type: 'invalid_request_error',
    param: null,
    code: 'refresh_token_reused',
  },
};
const ALL_FIELDS = ['id_token', 'access_token', 'refresh_token', 'expires_in', 'token_type', 'scope'];

const refresh = (refreshToken: string) => refreshAsCodex({ fake, refreshToken });
const refreshed = (refreshToken: string) => refreshedBody({ fake, refreshToken });
const statuses = () => fake.issuedTokens.map((tokens) => [tokens.grant, tokens.refreshTokenStatus]);

async function expectRefused(response: Response, status: number, body: unknown): Promise<void> {
  expect(response.status).toBe(status);
  expect(await response.json()).toMatchObject(body as Record<string, unknown>);
}

describe('POST /oauth/token (refresh_token)', () => {
  const fields = (refreshToken: string) => ({
    client_id: OPENAI_CODEX_CLIENT_ID,
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  });
  it.each<[string, (url: string, refreshToken: string) => Promise<Response>]>([
    [
      'Codex 0.169 JSON with refresh_reason',
      (url, token) => postJson({ url, body: { ...fields(token), refresh_reason: 'proactive_expiry' } }),
    ],
    [
      'Codex 2025 JSON with scope',
      (url, token) => postJson({ url, body: { ...fields(token), scope: 'openid profile email' } }),
    ],
    ['a form without scope (opencode, ChatMock)', (url, token) => postForm({ url, fields: fields(token) })],
    [
      'a form with scope (CLIProxyAPI)',
      (url, token) => postForm({ url, fields: { ...fields(token), scope: 'openid profile email' } }),
    ],
  ])('should refresh with %s', async (_case, send) => {
    const tokens = await signIn(fake);

    const response = await send(`${fake.url}/oauth/token`, tokens.refresh_token);

    expect(response.status).toBe(200);
    const body = (await response.json()) as TokenResponseBody;
    expect(Object.keys(body)).toEqual(ALL_FIELDS);
    expect(body.refresh_token).not.toBe(tokens.refresh_token);
    expect(body.access_token).not.toBe(tokens.access_token);
    expect(body.expires_in).toBe(864000);
  });

  it('should rotate: the new token works, the old one gets the exact refresh_token_reused body', async () => {
    const first = await signIn(fake);
    const second = await refreshed(first.refresh_token);

    // The newer token works before any reuse: afterwards the whole family is gone (next test).
    expect((await refresh(second.refresh_token)).status).toBe(200);
    expect(statuses()).toEqual([
      ['authorization_code', 'rotated'],
      ['refresh_token', 'rotated'],
      ['refresh_token', 'active'],
    ]);

    const reused = await refresh(first.refresh_token);

    expect(reused.status).toBe(401);
    expect(await reused.text()).toBe(JSON.stringify(REUSED_BODY));
  });

  it('issue 14: should revoke the whole family, successor and access tokens included, when a rotated token comes back', async () => {
    const first = await signIn(fake);
    const second = await refreshed(first.refresh_token);
    const unrelated = await fake.mintTokens();
    expect(fake.accessTokenStatus(second.access_token)).toBe('active');

    const reused = await refresh(first.refresh_token);
    const successor = await refresh(second.refresh_token);
    const reusedAgain = await refresh(first.refresh_token);

    expect(reused.status).toBe(401);
    expect(await reused.text()).toBe(JSON.stringify(REUSED_BODY));
    await expectRefused(successor, 401, { error: { code: 'refresh_token_invalidated' } });
    expect(await reusedAgain.json()).toEqual(REUSED_BODY);
    expect(statuses()).toEqual([
      ['authorization_code', 'rotated'],
      ['refresh_token', 'invalidated'],
      ['minted', 'active'],
    ]);
    expect(fake.accessTokenStatus(first.access_token)).toBe('revoked');
    expect(fake.accessTokenStatus(second.access_token)).toBe('revoked');
    expect(fake.accessTokenStatus(unrelated.accessToken)).toBe('active');
    expect((await refresh(unrelated.refreshToken)).status).toBe(200);
  });

  it('issue 14: should take both refresh reasons of Codex 0.169 and record the body as sent', async () => {
    const tokens = await fake.mintTokens();
    const send = (refreshToken: string, refreshReason: string) =>
      postJson({ url: `${fake.url}/oauth/token`, body: { ...fields(refreshToken), refresh_reason: refreshReason } });

    const proactive = await send(tokens.refreshToken, 'proactive_expiry');
    const rotated = (await proactive.json()) as TokenResponseBody;
    const recovery = await send(rotated.refresh_token, 'unauthorized_recovery');

    expect([proactive.status, recovery.status]).toEqual([200, 200]);
    expect(fake.findRequests({ method: 'POST', path: '/oauth/token' }).map((request) => request.json)).toEqual([
      { ...fields(tokens.refreshToken), refresh_reason: 'proactive_expiry' },
      { ...fields(rotated.refresh_token), refresh_reason: 'unauthorized_recovery' },
    ]);
  });

  it.each<[FakeOpenAiRefreshAnswerQuirk, (body: Record<string, unknown>) => void]>([
    [
      'id-token-for-another-audience',
      (body) => {
        expect(decodeJwtPayload(String(body.id_token)).aud).toEqual(['app_SomeOtherClient00000000']);
        expect(decodeJwtPayload(String(body.access_token)).aud).toEqual([OPENAI_CODEX_CLIENT_ID]);
      },
    ],
    ['lowercase-token-type', (body) => expect(body.token_type).toBe('bearer')],
    ['no-token-type', (body) => expect(body).not.toHaveProperty('token_type')],
    ['no-access-token', (body) => expect(body).not.toHaveProperty('access_token')],
    ['no-id-token', (body) => expect(body).not.toHaveProperty('id_token')],
    ['no-expires-in', (body) => expect(body).not.toHaveProperty('expires_in')],
  ])('issue 14: should answer with the %s quirk and still rotate, once', async (quirk, check) => {
    const tokens = await fake.mintTokens();
    fake.quirkNextRefreshAnswer([quirk]);

    const quirky = await refresh(tokens.refreshToken);
    const body = (await quirky.json()) as Record<string, unknown>;
    const dropped = await refresh(tokens.refreshToken);
    const next = await refresh(String(body.refresh_token));

    expect(quirky.status).toBe(200);
    expect(body.refresh_token).toMatch(/^rt_/);
    check(body);
    // The rotation happened: a client that dropped the new refresh token is refused and its family is gone.
    expect(dropped.status).toBe(401);
    expect(await dropped.json()).toEqual(REUSED_BODY);
    await expectRefused(next, 401, { error: { code: 'refresh_token_invalidated' } });
  });

  it('issue 14: should apply queued quirks one answer at a time, then answer normally', async () => {
    const tokens = await fake.mintTokens();
    fake.quirkNextRefreshAnswer(['no-access-token', 'no-token-type']);
    fake.quirkNextRefreshAnswer(['lowercase-token-type']);

    const first = await refreshed(tokens.refreshToken);
    const second = await refreshed(first.refresh_token);
    const third = await refreshed(second.refresh_token);

    expect(Object.keys(first)).toEqual(['id_token', 'refresh_token', 'expires_in', 'scope']);
    expect(second.token_type).toBe('bearer');
    expect(Object.keys(third)).toEqual(ALL_FIELDS);
    expect(third.token_type).toBe('Bearer');
    expect(() => fake.quirkNextRefreshAnswer(['no-refresh-token' as FakeOpenAiRefreshAnswerQuirk])).toThrow(
      /unknown quirk "no-refresh-token"/,
    );
  });

  it('should keep the sign-in identity across a refresh', async () => {
    const clock = createManualClock();
    fake = await startFakeOpenAiAuth({ now: clock.now });
    const first = await signIn(fake);
    clock.advance(3600);

    const second = await refreshed(first.refresh_token);

    const before = decodeJwtPayload(first.access_token);
    const after = decodeJwtPayload(second.access_token);
    expect(after.iat).toBe((before.iat as number) + 3600);
    expect(after.auth_time).toBe(before.auth_time);
    expect(after.session_id).toBe(before.session_id);
    expect(after['https://api.openai.com/auth']).toEqual(before['https://api.openai.com/auth']);
  });

  it('should answer reuse with 400 in that mode', async () => {
    fake = await startFakeOpenAiAuth({ modes: { refreshTokenReusedStatus: 400 } });
    const first = await signIn(fake);
    await refresh(first.refresh_token);

    const reused = await refresh(first.refresh_token);

    expect(reused.status).toBe(400);
    expect(await reused.json()).toEqual(REUSED_BODY);
  });

  it('should expire refresh tokens older than refreshTokenTtlSeconds', async () => {
    const clock = createManualClock();
    fake = await startFakeOpenAiAuth({ now: clock.now, refreshTokenTtlSeconds: 3600 });
    const young = await signIn(fake);
    const old = await signIn(fake);

    clock.advance(3599);
    const inTime = await refresh(young.refresh_token);
    clock.advance(1);
    const late = await refresh(old.refresh_token);

    expect(inTime.status).toBe(200);
    expect(late.status).toBe(401);
    expect(await late.json()).toEqual({
      error: {
        message: 'Your refresh token has expired. Please try signing in again.',
        type: 'invalid_request_error',
        param: null,
        code: 'refresh_token_expired',
      },
    });
  });

  it('should answer refresh_token_expired after expireRefreshTokens, for that account only', async () => {
    fake = await startFakeOpenAiAuth({ accounts: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    const a = await fake.mintTokens({ account: 'a@example.com' });
    const b = await fake.mintTokens({ account: 'b@example.com' });

    expect(fake.expireRefreshTokens('a@example.com')).toBe(1);

    await expectRefused(await refresh(a.refreshToken), 401, { error: { code: 'refresh_token_expired' } });
    expect((await refresh(b.refreshToken)).status).toBe(200);
  });

  it('should answer refresh_token_invalidated after invalidateRefreshTokens, even for a rotated token', async () => {
    const first = await signIn(fake);
    const second = await refreshed(first.refresh_token);

    expect(fake.invalidateRefreshTokens()).toBe(1);

    for (const refreshToken of [first.refresh_token, second.refresh_token]) {
      const response = await refresh(refreshToken);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: {
          message: 'Your refresh token has been invalidated. Please try signing in again.',
          type: 'invalid_request_error',
          param: null,
          code: 'refresh_token_invalidated',
        },
      });
    }
  });

  it.each<[string, Record<string, unknown>, number, Record<string, unknown>]>([
    ['an unknown refresh token', { refresh_token: 'rt_unknown' }, 401, { error: { code: 'invalid_refresh_token' } }],
    ['no refresh token', { refresh_token: undefined }, 400, { error: 'invalid_request' }],
    ['an empty refresh token', { refresh_token: '' }, 400, { error: 'invalid_request' }],
    ['no client_id', { client_id: undefined }, 400, { error: 'invalid_request' }],
    ['another client_id', { client_id: 'app_other' }, 401, { error: 'invalid_client' }],
  ])('should reject %s', async (_case, overrides, status, body) => {
    const tokens = await fake.mintTokens();

    const response = await postJson({
      url: `${fake.url}/oauth/token`,
      body: { ...fields(tokens.refreshToken), ...overrides },
    });

    await expectRefused(response, status, body);
  });
});
