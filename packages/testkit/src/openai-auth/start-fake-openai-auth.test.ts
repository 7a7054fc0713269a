import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { findFreeLoopbackPort } from '../find-free-loopback-port.ts';
import { decodeJwtPayload, get } from '../oauth-server/oauth-test-support.ts';
import { postJson, TIMEOUT_MS } from '../test-fetch.ts';
import { OPENAI_CODEX_CLIENT_ID } from './openai-auth-constants.ts';
import { startFakeOpenAiAuth } from './openai-auth-fake.ts';
import { refreshAsCodex, signIn } from './test-support.ts';

afterEach(closeAllFakeServers);

describe('startFakeOpenAiAuth', () => {
  it('should record every request, Codex refresh included', async () => {
    const fake = await startFakeOpenAiAuth();
    const tokens = await fake.mintTokens();

    await refreshAsCodex({ fake, refreshToken: tokens.refreshToken });

    expect(fake.findRequests({ method: 'POST', path: '/oauth/token' })).toMatchObject([
      {
        headers: { 'content-type': 'application/json' },
        json: {
          client_id: OPENAI_CODEX_CLIENT_ID,
          grant_type: 'refresh_token',
          refresh_reason: 'proactive_expiry',
          refresh_token: tokens.refreshToken,
        },
      },
    ]);
  });

  it('should answer 404 for unknown paths and methods', async () => {
    const fake = await startFakeOpenAiAuth();

    const unknownPath = await get(`${fake.url}/oauth/userinfo`);
    const wrongMethod = await get(`${fake.url}/oauth/token`);
    const postAuthorize = await postJson({ url: `${fake.url}/oauth/authorize`, body: {} });

    expect([unknownPath.status, wrongMethod.status, postAuthorize.status]).toEqual([404, 404, 404]);
    expect(await unknownPath.json()).toEqual({ error: 'no route for GET /oauth/userinfo in fake openai-auth' });
  });

  it('should play scripted faults: 5xx, malformed JSON, a dropped connection, a delay', async () => {
    const fake = await startFakeOpenAiAuth();
    const tokens = await fake.mintTokens();
    const match = { method: 'POST', path: '/oauth/token' };
    fake.faults.push(
      { match, fault: { kind: 'status', status: 503, body: { error: 'overloaded' } } },
      { match, fault: { kind: 'malformed-json' } },
      { match, fault: { kind: 'drop-connection' } },
      { match, fault: { kind: 'delay', ms: 200 } },
    );
    const refresh = () => refreshAsCodex({ fake, refreshToken: tokens.refreshToken });

    const unavailable = await refresh();
    const malformed = await refresh();
    const dropped = await refresh().then(
      () => 'answered',
      () => 'failed',
    );
    const started = Date.now();
    const slow = await refresh();

    expect(unavailable.status).toBe(503);
    await expect(malformed.json()).rejects.toThrow();
    expect(dropped).toBe('failed');
    expect(slow.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    // Faults stop requests before the handler, so the token was used once, by the delayed request.
    expect(fake.issuedTokens.map((issued) => issued.refreshTokenStatus)).toEqual(['rotated', 'active']);
  });

  it('should listen on a fixed port when asked, still signing the real issuer', async () => {
    const port = await findFreeLoopbackPort();
    const fake = await startFakeOpenAiAuth({ port });

    const tokens = await signIn(fake);

    expect(fake.url).toBe(`http://127.0.0.1:${port}`);
    expect(fake.port).toBe(port);
    expect(decodeJwtPayload(tokens.id_token).iss).toBe('https://auth.openai.com');
    await fake.close();
    await expect(
      fetch(`${fake.url}/.well-known/jwks.json`, { signal: AbortSignal.timeout(TIMEOUT_MS) }),
    ).rejects.toThrow();
  });

  it('should reset to its starting state, keeping its signing key', async () => {
    const fake = await startFakeOpenAiAuth({ autoApprove: true });
    const { jwks } = fake;
    const tokens = await fake.mintTokens();
    fake.setModes({ autoApprove: false, deviceCodeEnabled: false });
    fake.faults.push({ match: {}, fault: { kind: 'status', status: 500 } });

    fake.reset();

    expect(fake.requests).toEqual([]);
    expect(fake.faults.pending).toEqual([]);
    expect(fake.issuedTokens).toEqual([]);
    expect(fake.modes).toMatchObject({ autoApprove: true, deviceCodeEnabled: true });
    expect(fake.jwks).toEqual(jwks);
    expect(await (await refreshAsCodex({ fake, refreshToken: tokens.refreshToken })).json()).toMatchObject({
      error: { code: 'invalid_refresh_token' },
    });
  });

  it('should reject an unknown mode', async () => {
    await expect(startFakeOpenAiAuth({ modes: { fast: true } as never })).rejects.toThrow(/"modes.fast" is not a mode/);
  });
});
