import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { createManualClock, get, postForm, readErrorPage, readSession } from '../oauth-server/oauth-test-support.ts';
import { postJson } from '../test-fetch.ts';
import { AUTHORIZE_SESSION_EXPIRED_MESSAGE } from './openai-auth-constants.ts';
import { startFakeOpenAiAuth } from './openai-auth-fake.ts';
import { buildAuthorizeUrl, CODE_VERIFIER, CODEX_SCOPE, decideConsent } from './test-support.ts';

afterEach(closeAllFakeServers);

async function expectErrorPage(response: Response, error: string): Promise<string> {
  expect(response.status).toBe(400);
  const page = await readErrorPage(response);
  expect(page.error).toBe(error);
  return page.description;
}

describe('GET /oauth/authorize', () => {
  it('should show a consent page listing every account, with approve and deny buttons', async () => {
    const fake = await startFakeOpenAiAuth({
      accounts: [{ email: 'user@example.com' }, { email: 'pro@example.com', planType: 'pro' }],
    });

    const response = await get(buildAuthorizeUrl({ fake }));

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toContain('user@example.com (plus)');
    expect(html).toContain('pro@example.com (pro)');
    expect(html).toContain('data-testid="approve"');
    expect(html).toContain('data-testid="deny"');
  });

  it('should redirect with code, scope and state after approval, as Codex expects', async () => {
    const fake = await startFakeOpenAiAuth();

    const location = await decideConsent({ fake });

    expect(`${location.origin}${location.pathname}`).toBe('http://127.0.0.1:1455/auth/callback');
    expect([...location.searchParams.keys()]).toEqual(['code', 'scope', 'state']);
    expect(location.searchParams.get('code')).toMatch(/^ac_[A-Za-z0-9_-]{32}\.[A-Za-z0-9_-]{16}$/);
    expect(location.searchParams.get('scope')).toBe(CODEX_SCOPE);
    expect(location.searchParams.get('state')).toBe('state-123');
    // Spaces in the echoed scope are written as `+`, like the callbacks observed from the real server.
    expect(location.search).toContain('scope=openid+profile+email+offline_access+api.connectors.read');
  });

  it('should redirect at once for the first account in autoApprove mode', async () => {
    const fake = await startFakeOpenAiAuth({ autoApprove: true });

    const response = await get(buildAuthorizeUrl({ fake }));

    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '');
    expect(location.searchParams.get('code')).toMatch(/^ac_/);
    expect(location.searchParams.get('state')).toBe('state-123');
  });

  it.each([
    'http://localhost:1455/auth/callback',
    'http://127.0.0.1:1455/auth/callback',
    'http://localhost:1457/auth/callback',
    'http://127.0.0.1:1457/auth/callback',
  ])('should accept the registered redirect_uri %s', async (redirectUri) => {
    const fake = await startFakeOpenAiAuth({ autoApprove: true });

    const response = await get(buildAuthorizeUrl({ fake, overrides: { redirect_uri: redirectUri } }));

    expect(response.status).toBe(302);
    expect(response.headers.get('location')?.startsWith(`${redirectUri}?code=ac_`)).toBe(true);
  });

  it('should accept a form-encoded scope (spaces as +) and extra parameters', async () => {
    const fake = await startFakeOpenAiAuth({ autoApprove: true });
    const url = new URL(buildAuthorizeUrl({ fake, overrides: { scope: undefined } }));
    url.search += '&scope=openid+profile+email+offline_access&prompt=login&allowed_workspace_id=ws-1,ws-2';

    const response = await get(url.toString());

    expect(response.status).toBe(302);
    expect(new URL(response.headers.get('location') ?? '').searchParams.get('scope')).toBe(
      'openid profile email offline_access',
    );
  });

  it('should redirect with access_denied when the user denies', async () => {
    const fake = await startFakeOpenAiAuth();

    const location = await decideConsent({ fake, decision: 'deny' });

    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('error_description')).toBe('The user denied the authorization request.');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('should redirect with missing_codex_entitlement in that mode', async () => {
    const fake = await startFakeOpenAiAuth({ autoApprove: true, modes: { isCodexEntitlementMissing: true } });

    const response = await get(buildAuthorizeUrl({ fake }));

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(
      'http://127.0.0.1:1455/auth/callback?error=access_denied&error_description=missing_codex_entitlement&state=state-123',
    );
  });

  it.each<[string, Record<string, string | undefined>, string]>([
    ['no client_id', { client_id: undefined }, 'invalid_request'],
    ['an unknown client_id', { client_id: 'app_other' }, 'invalid_client'],
    ['no redirect_uri', { redirect_uri: undefined }, 'invalid_request'],
    ['another port', { redirect_uri: 'http://localhost:1456/auth/callback' }, 'invalid_request'],
    ['another host', { redirect_uri: 'http://example.com:1455/auth/callback' }, 'invalid_request'],
    ['https', { redirect_uri: 'https://localhost:1455/auth/callback' }, 'invalid_request'],
    ['another path', { redirect_uri: 'http://localhost:1455/callback' }, 'invalid_request'],
    ['a trailing slash', { redirect_uri: 'http://localhost:1455/auth/callback/' }, 'invalid_request'],
    ['the device callback', { redirect_uri: 'https://auth.openai.com/deviceauth/callback' }, 'invalid_request'],
    ['no response_type', { response_type: undefined }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['no code_challenge_method', { code_challenge_method: undefined }, 'invalid_request'],
    ['code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
    ['a malformed code_challenge', { code_challenge: 'too-short' }, 'invalid_request'],
    ['no state', { state: undefined }, 'invalid_request'],
    ['an empty state', { state: '' }, 'invalid_request'],
  ])('should answer a 400 page without redirecting for %s', async (_case, overrides, error) => {
    const fake = await startFakeOpenAiAuth({ autoApprove: true });

    await expectErrorPage(await get(buildAuthorizeUrl({ fake, overrides })), error);
  });

  it('should reject a repeated parameter', async () => {
    const fake = await startFakeOpenAiAuth({ autoApprove: true });

    const description = await expectErrorPage(
      await get(`${buildAuthorizeUrl({ fake })}&state=again`),
      'invalid_request',
    );

    expect(description).toBe('The parameter "state" is repeated.');
  });

  it('should escape reflected values on the consent page', async () => {
    const fake = await startFakeOpenAiAuth({ accounts: [{ email: '<b>x</b>@example.com' }] });

    const html = await (await get(buildAuthorizeUrl({ fake }))).text();

    expect(html).toContain('&lt;b&gt;x&lt;/b&gt;@example.com');
    expect(html).not.toContain('<b>x</b>');
  });
});

describe('POST /oauth/authorize/decision', () => {
  it('should give the code to the chosen account', async () => {
    const fake = await startFakeOpenAiAuth({ accounts: [{ email: 'a@example.com' }, { email: 'b@example.com' }] });
    const second = fake.accounts[1]?.chatgptAccountId ?? '';

    const location = await decideConsent({ fake, account: second });
    const response = await postForm({
      url: `${fake.url}/oauth/token`,
      fields: {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code') ?? '',
        redirect_uri: 'http://127.0.0.1:1455/auth/callback',
        client_id: fake.clientId,
        code_verifier: CODE_VERIFIER,
      },
    });

    expect(response.status).toBe(200);
    expect(fake.issuedTokens.map((tokens) => tokens.email)).toEqual(['b@example.com']);
  });

  it('should refuse a session that was already decided or has expired', async () => {
    const clock = createManualClock();
    const fake = await startFakeOpenAiAuth({ now: clock.now });
    const newSession = async () => readSession(await get(buildAuthorizeUrl({ fake })));
    const decide = (session: string) =>
      postForm({ url: `${fake.url}/oauth/authorize/decision`, fields: { session, decision: 'approve' } });

    const used = await newSession();
    expect((await decide(used)).status).toBe(302);
    const replayed = await expectErrorPage(await decide(used), 'invalid_request');
    const stale = await newSession();
    clock.advance(600);
    const expired = await expectErrorPage(await decide(stale), 'invalid_request');

    expect(replayed).toBe(AUTHORIZE_SESSION_EXPIRED_MESSAGE);
    expect(expired).toBe(AUTHORIZE_SESSION_EXPIRED_MESSAGE);
  });

  it('should reject a JSON body, an unknown account and an unknown decision', async () => {
    const fake = await startFakeOpenAiAuth();
    const session = async () => readSession(await get(buildAuthorizeUrl({ fake })));
    const url = `${fake.url}/oauth/authorize/decision`;

    const json = await postJson({ url, body: { session: await session() } });
    const account = await postForm({
      url,
      fields: { session: await session(), decision: 'approve', account: 'nobody@example.com' },
    });
    const decision = await postForm({ url, fields: { session: await session(), decision: 'maybe' } });

    await expectErrorPage(json, 'invalid_request');
    await expectErrorPage(account, 'invalid_request');
    await expectErrorPage(decision, 'invalid_request');
  });
});
