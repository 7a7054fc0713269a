import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { createManualClock, decodeJwtPayload, get, postForm } from '../oauth-server/oauth-test-support.ts';
import { computePkceChallenge } from '../oauth-server/oauth-wire.ts';
import { postJson } from '../test-fetch.ts';
import { OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import type { FakeOpenAiAuth } from './openai-auth-fake.ts';
import { startFakeOpenAiAuth } from './openai-auth-fake.ts';

afterEach(closeAllFakeServers);

type UserCodeBody = { device_auth_id: string; user_code: string; interval: string };
type ApprovedBody = { authorization_code: string; code_challenge: string; code_verifier: string };

async function requestUserCode(fake: FakeOpenAiAuth): Promise<UserCodeBody> {
  const response = await postJson({
    url: `${fake.url}/api/accounts/deviceauth/usercode`,
    body: { client_id: OPENAI_CODEX_CLIENT_ID },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as UserCodeBody;
}

function poll(options: { fake: FakeOpenAiAuth; device: UserCodeBody }): Promise<Response> {
  return postJson({
    url: `${options.fake.url}/api/accounts/deviceauth/token`,
    body: { device_auth_id: options.device.device_auth_id, user_code: options.device.user_code },
  });
}

function exchangeDeviceCode(options: { fake: FakeOpenAiAuth; approved: ApprovedBody; redirectUri: string }) {
  return postForm({
    url: `${options.fake.url}/oauth/token`,
    fields: {
      grant_type: 'authorization_code',
      code: options.approved.authorization_code,
      redirect_uri: options.redirectUri,
      client_id: OPENAI_CODEX_CLIENT_ID,
      code_verifier: options.approved.code_verifier,
    },
  });
}

describe('device code login', () => {
  it('should hand out a user code with the interval as a string', async () => {
    const fake = await startFakeOpenAiAuth({ deviceInterval: '7' });

    const device = await requestUserCode(fake);

    expect(Object.keys(device)).toEqual(['device_auth_id', 'user_code', 'interval']);
    expect(device.device_auth_id).toMatch(/^deviceauth_/);
    expect(device.user_code).toMatch(/^[A-HJ-NP-Z]{4}-[0-9]{5}$/);
    expect(device.interval).toBe('7');
  });

  it('should go pending → approved, then exchange at the fake callback with the server-made PKCE pair', async () => {
    const fake = await startFakeOpenAiAuth({ accounts: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    const device = await requestUserCode(fake);

    const pending = await poll({ fake, device });
    fake.approveDevice({ userCode: device.user_code.toLowerCase(), account: 'b@example.com' });
    const approved = await poll({ fake, device });

    expect(pending.status).toBe(403);
    expect(await pending.json()).toMatchObject({ error: { code: 'deviceauth_authorization_pending' } });
    expect(approved.status).toBe(200);
    const body = (await approved.json()) as ApprovedBody;
    expect(Object.keys(body)).toEqual(['authorization_code', 'code_challenge', 'code_verifier']);
    expect(body.authorization_code).toMatch(/^ac_/);
    expect(computePkceChallenge(body.code_verifier)).toBe(body.code_challenge);

    const tokens = await exchangeDeviceCode({ fake, approved: body, redirectUri: `${fake.url}/deviceauth/callback` });
    expect(tokens.status).toBe(200);
    const idToken = decodeJwtPayload(((await tokens.json()) as { id_token: string }).id_token);
    expect(idToken.email).toBe('b@example.com');
    expect(fake.issuedTokens).toMatchObject([{ grant: 'device_code', email: 'b@example.com' }]);
  });

  it('should also accept the real device callback, and nothing else', async () => {
    const fake = await startFakeOpenAiAuth();
    const device = await requestUserCode(fake);
    fake.approveDevice({ userCode: device.user_code });
    const approved = (await (await poll({ fake, device })).json()) as ApprovedBody;

    const browser = await exchangeDeviceCode({ fake, approved, redirectUri: 'http://127.0.0.1:1455/auth/callback' });
    const real = await exchangeDeviceCode({
      fake,
      approved,
      redirectUri: 'https://auth.openai.com/deviceauth/callback',
    });

    expect(browser.status).toBe(400);
    expect(await browser.json()).toMatchObject({ error: 'invalid_grant' });
    expect(real.status).toBe(200);
  });

  it('should answer the exact declined body after a denial', async () => {
    const fake = await startFakeOpenAiAuth();
    const device = await requestUserCode(fake);

    fake.denyDevice({ userCode: device.user_code });
    const response = await poll({ fake, device });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'authorization_declined', error_description: 'Denied' });
    expect(() => fake.approveDevice({ userCode: device.user_code })).toThrow(/already denied/);
  });

  it('should expire after deviceCodeTtlSeconds', async () => {
    const clock = createManualClock();
    const fake = await startFakeOpenAiAuth({ now: clock.now, deviceCodeTtlSeconds: 900 });
    const device = await requestUserCode(fake);

    clock.advance(899);
    const stillPending = await poll({ fake, device });
    clock.advance(1);
    const expired = await poll({ fake, device });

    expect(stillPending.status).toBe(403);
    expect(expired.status).toBe(400);
    expect(await expired.json()).toEqual({ error: 'expired_token', error_description: 'The device code has expired.' });
    expect(() => fake.approveDevice({ userCode: device.user_code })).toThrow(/expired/);
  });

  it('should answer pending with 404 in that mode', async () => {
    const fake = await startFakeOpenAiAuth({ modes: { devicePendingStatus: 404 } });
    const device = await requestUserCode(fake);

    expect((await poll({ fake, device })).status).toBe(404);
  });

  it('should answer 404 on both endpoints when device login is disabled', async () => {
    const fake = await startFakeOpenAiAuth();
    const device = await requestUserCode(fake);
    fake.setModes({ deviceCodeEnabled: false });

    const usercode = await postJson({
      url: `${fake.url}/api/accounts/deviceauth/usercode`,
      body: { client_id: OPENAI_CODEX_CLIENT_ID },
    });

    expect(usercode.status).toBe(404);
    expect((await poll({ fake, device })).status).toBe(404);
  });

  it.each<[string, string, unknown, string | undefined, number, string]>([
    ['usercode as a form', '/usercode', `client_id=${OPENAI_CODEX_CLIENT_ID}`, 'form', 400, 'invalid_request'],
    ['usercode without client_id', '/usercode', {}, 'json', 400, 'invalid_client'],
    ['usercode for another client', '/usercode', { client_id: 'app_other' }, 'json', 400, 'invalid_client'],
    ['token as a form', '/token', 'device_auth_id=x&user_code=y', 'form', 400, 'invalid_request'],
    [
      'token for an unknown device',
      '/token',
      { device_auth_id: 'x', user_code: 'ABCD-12345' },
      'json',
      400,
      'deviceauth_not_found',
    ],
  ])('should reject %s', async (_case, path, body, kind, status, code) => {
    const fake = await startFakeOpenAiAuth();

    const response =
      kind === 'form'
        ? await postForm({
            url: `${fake.url}/api/accounts/deviceauth${path}`,
            fields: Object.fromEntries(new URLSearchParams(body as string)),
          })
        : await postJson({ url: `${fake.url}/api/accounts/deviceauth${path}`, body });

    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
  });

  it('should reject a poll whose user_code belongs to another device', async () => {
    const fake = await startFakeOpenAiAuth();
    const first = await requestUserCode(fake);
    const second = await requestUserCode(fake);

    const response = await poll({ fake, device: { ...first, user_code: second.user_code } });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { code: 'deviceauth_not_found' } });
  });
});

describe('GET/POST /codex/device', () => {
  it('should let a person type the code and approve', async () => {
    const fake = await startFakeOpenAiAuth();
    const device = await requestUserCode(fake);

    const page = await get(`${fake.url}/codex/device`);
    const approve = await postForm({
      url: `${fake.url}/codex/device`,
      fields: { user_code: ` ${device.user_code.toLowerCase()} `, decision: 'approve' },
    });

    expect(page.status).toBe(200);
    expect(await page.text()).toContain('data-testid="user-code"');
    expect(approve.status).toBe(200);
    expect(await approve.text()).toContain('You can return to your terminal.');
    expect((await poll({ fake, device })).status).toBe(200);
  });

  it('should let a person deny, and show errors for bad codes', async () => {
    const fake = await startFakeOpenAiAuth();
    const device = await requestUserCode(fake);

    const deny = await postForm({
      url: `${fake.url}/codex/device`,
      fields: { user_code: device.user_code, decision: 'deny' },
    });
    const again = await postForm({
      url: `${fake.url}/codex/device`,
      fields: { user_code: device.user_code, decision: 'approve' },
    });
    const unknown = await postForm({
      url: `${fake.url}/codex/device`,
      fields: { user_code: 'ZZZZ-00000', decision: 'approve' },
    });

    expect(deny.status).toBe(200);
    expect((await poll({ fake, device })).status).toBe(401);
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('data-error="already_decided"');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('data-error="unknown_user_code"');
  });

  it('should prefill the code from the query, escaped', async () => {
    const fake = await startFakeOpenAiAuth();

    const html = await (await get(`${fake.url}/codex/device?user_code=%22%3E%3Cscript%3E`)).text();

    expect(html).toContain('value="&quot;&gt;&lt;script&gt;"');
  });
});
