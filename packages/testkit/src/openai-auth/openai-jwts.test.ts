import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { decodeJwtPayload, get } from '../oauth-server/oauth-test-support.ts';
import { DEFAULT_FAKE_OPENAI_ACCOUNT } from './create-fake-openai-auth-store.ts';
import { OPENAI_CODEX_CLIENT_ID, OPENAI_ISSUER } from './openai-auth-constants.ts';
import { startFakeOpenAiAuth } from './openai-auth-fake.ts';
import { signIn } from './test-support.ts';

afterEach(closeAllFakeServers);

const EXPECTED_AUTH_CLAIM = {
  chatgpt_account_id: DEFAULT_FAKE_OPENAI_ACCOUNT.chatgptAccountId,
  chatgpt_plan_type: 'plus',
  chatgpt_user_id: DEFAULT_FAKE_OPENAI_ACCOUNT.chatgptUserId,
  user_id: DEFAULT_FAKE_OPENAI_ACCOUNT.chatgptUserId,
  organizations: [{ id: 'org-FakeOrg00000000000000001', is_default: true, role: 'owner', title: 'Personal' }],
  groups: [],
};

describe('JWTs from the fake', () => {
  it('should carry the auth and profile namespaces in both tokens', async () => {
    const fake = await startFakeOpenAiAuth();

    const tokens = await signIn(fake);

    for (const jwt of [tokens.id_token, tokens.access_token]) {
      const payload = decodeJwtPayload(jwt);
      expect(payload).toMatchObject({
        // The real issuer whatever URL the fake listens on, as auth.openai.com signs (issue 14).
        iss: 'https://auth.openai.com',
        aud: [OPENAI_CODEX_CLIENT_ID],
        sub: DEFAULT_FAKE_OPENAI_ACCOUNT.subject,
        email: 'user@example.com',
        email_verified: true,
        'https://api.openai.com/auth': EXPECTED_AUTH_CLAIM,
        'https://api.openai.com/profile': { email: 'user@example.com', email_verified: true },
      });
      expect(payload.iat).toEqual(expect.any(Number));
      expect(payload.auth_time).toBe(payload.iat);
      expect(decodeProtectedHeader(jwt)).toMatchObject({ alg: 'RS256', typ: 'JWT', kid: expect.any(String) });
      // Standard base64url without padding, which opencode's plain base64 decoding also survives.
      for (const part of jwt.split('.')) expect(part).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    const access = decodeJwtPayload(tokens.access_token);
    expect((access.exp as number) - (access.iat as number)).toBe(864000);
    expect(access.client_id).toBe(OPENAI_CODEX_CLIENT_ID);
    expect(access.scp).toEqual([
      'openid',
      'profile',
      'email',
      'offline_access',
      'api.connectors.read',
      'api.connectors.invoke',
    ]);
  });

  it('should verify against the served JWKS and the discovery document', async () => {
    const fake = await startFakeOpenAiAuth();
    const tokens = await signIn(fake);

    const discovery = (await (await get(`${fake.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;
    const jwks = createRemoteJWKSet(new URL(discovery.jwks_uri ?? ''));

    expect(discovery.issuer).toBe(fake.issuer);
    for (const jwt of [tokens.id_token, tokens.access_token]) {
      const { payload } = await jwtVerify(jwt, jwks, { issuer: fake.issuer, audience: OPENAI_CODEX_CLIENT_ID });
      expect(payload.email).toBe('user@example.com');
    }
    expect(fake.jwks.keys).toHaveLength(1);
    expect(fake.jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(fake.jwks.keys[0]).not.toHaveProperty('d');
  });

  it('issue 14: should sign the real issuer wherever it listens when asked to, with a key id no other fake shares', async () => {
    const [one, other] = await Promise.all([
      startFakeOpenAiAuth({ issuer: OPENAI_ISSUER }),
      startFakeOpenAiAuth({ issuer: OPENAI_ISSUER }),
    ]);
    const tokens = await signIn(one);
    const discovery = (await (await get(`${one.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      string
    >;

    expect(one.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(one.issuer).toBe('https://auth.openai.com');
    expect(decodeJwtPayload(tokens.id_token).iss).toBe('https://auth.openai.com');
    expect(decodeJwtPayload(tokens.access_token).iss).toBe('https://auth.openai.com');
    expect(discovery).toMatchObject({ issuer: 'https://auth.openai.com', token_endpoint: `${one.url}/oauth/token` });
    // Same issuer for both fakes: only the key id tells one fake's tokens from the other's.
    expect(one.jwks.keys[0]?.kid).not.toBe(other.jwks.keys[0]?.kid);
    const verifyAt = (fake: typeof one) =>
      jwtVerify(tokens.access_token, createLocalJWKSet(fake.jwks), { issuer: 'https://auth.openai.com' });
    await expect(verifyAt(one)).resolves.toMatchObject({ payload: { email: 'user@example.com' } });
    await expect(verifyAt(other)).rejects.toThrow();
  });

  it('should follow the account and the configured lifetime', async () => {
    const fake = await startFakeOpenAiAuth({
      accessTokenTtlSeconds: 120,
      accounts: [
        { email: 'team@example.com', planType: 'team', chatgptAccountId: '11111111-2222-4333-8444-555555555555' },
      ],
    });

    const tokens = await fake.mintTokens();

    const access = decodeJwtPayload(tokens.accessToken);
    expect((access.exp as number) - (access.iat as number)).toBe(120);
    expect(access['https://api.openai.com/auth']).toMatchObject({
      chatgpt_account_id: '11111111-2222-4333-8444-555555555555',
      chatgpt_plan_type: 'team',
    });
    expect(tokens.accessTokenExpiresAt).toBe((access.exp as number) * 1000);
  });
});
