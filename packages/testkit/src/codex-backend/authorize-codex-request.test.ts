import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { closeAllFakeServers } from '../close-all-fake-servers.ts';
import { startFakeOpenAiAuth } from '../index.ts';
import { readSseBody } from '../read-sse-body.ts';
import { TIMEOUT_MS } from '../test-fetch.ts';
import { startFakeCodexBackend } from './codex-backend-fake.ts';
import { codexRequestBody, getWithAuth, postResponses, startCodexTestRig } from './codex-backend-test-support.ts';
import { verifyWithFakeOpenAiAuth } from './verify-with-fake-openai-auth.ts';

afterEach(closeAllFakeServers);

const unauthorized = (message: string, code: string | null) => ({
  error: { message, type: 'invalid_request_error', param: null, code },
});
const EXPIRED = unauthorized('Provided authentication token is expired. Please try signing in again.', 'token_expired');
const INVALIDATED = unauthorized(
  'Your authentication token has been invalidated. Please try signing in again.',
  'token_invalidated',
);

describe('authorizeCodexRequest', () => {
  it.each<[string, Record<string, string | undefined>, number, unknown]>([
    [
      'no Authorization header',
      { authorization: undefined },
      401,
      unauthorized('Missing bearer or basic authentication in header', null),
    ],
    [
      'a non-bearer scheme',
      { authorization: 'Basic dXNlcjpwYXNz' },
      401,
      unauthorized('Missing bearer or basic authentication in header', null),
    ],
    ['a token that is not a JWT', { authorization: 'Bearer not-a-jwt' }, 401, INVALIDATED],
    [
      'no chatgpt-account-id header',
      { 'chatgpt-account-id': undefined },
      403,
      unauthorized('Missing chatgpt-account-id header.', null),
    ],
    [
      "another account's id",
      { 'chatgpt-account-id': '00000000-0000-4000-8000-000000000000' },
      403,
      unauthorized('The chatgpt-account-id header does not match the account of the access token.', 'account_mismatch'),
    ],
  ])('should refuse %s', async (_label, headers, status, body) => {
    const rig = await startCodexTestRig();

    const response = await postResponses({ rig, body: codexRequestBody(), headers });

    expect(response.status).toBe(status);
    expect(await response.json()).toEqual(body);
    expect(rig.backend.exchanges).toMatchObject([{ status, rejection: body, accountId: undefined }]);
  });

  it('should refuse a token signed by another fake auth server', async () => {
    const rig = await startCodexTestRig();
    const stranger = await startFakeOpenAiAuth();
    const foreign = await stranger.mintTokens();

    const response = await postResponses({
      rig,
      body: codexRequestBody(),
      headers: { authorization: `Bearer ${foreign.accessToken}` },
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(INVALIDATED);
  });

  it('should answer token_expired for an expired access token', async () => {
    // Ten days and a minute ago, by the auth server's clock: its ten-day token is already past `exp`.
    const auth = await startFakeOpenAiAuth({ now: () => Date.now() - 864_060_000 });
    const backend = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(auth) });
    const tokens = await auth.mintTokens();

    const response = await postResponses({ rig: { auth, backend, tokens }, body: codexRequestBody() });

    expect(response.status).toBe(401);
    expect(await response.json()).toEqual(EXPIRED);
  });

  it('should accept the account header in any casing', async () => {
    const rig = await startCodexTestRig();
    const body = JSON.stringify(codexRequestBody());

    // fetch lowercases header names, so send Codex's exact `ChatGPT-Account-ID` with node:http.
    const status = await new Promise<number>((resolve, reject) => {
      const outgoing = httpRequest(`${rig.backend.codexBaseUrl}/responses`, {
        method: 'POST',
        timeout: TIMEOUT_MS,
        headers: {
          Authorization: `Bearer ${rig.tokens.accessToken}`,
          'ChatGPT-Account-ID': rig.tokens.chatgptAccountId,
          'Content-Type': 'application/json',
        },
      });
      outgoing.on('response', (incoming) => {
        incoming.resume();
        incoming.on('end', () => resolve(incoming.statusCode ?? 0));
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });

    expect(status).toBe(200);
    expect(rig.backend.requests.at(-1)?.headers['chatgpt-account-id']).toBe(rig.tokens.chatgptAccountId);
  });

  it('should reject a good token once when told, then accept it again', async () => {
    const rig = await startCodexTestRig();
    rig.backend.rejectAccessToken({ token: rig.tokens.accessToken });

    const first = await postResponses({ rig, body: codexRequestBody() });
    const second = await postResponses({ rig, body: codexRequestBody() });

    expect(first.status).toBe(401);
    expect(await first.json()).toEqual(INVALIDATED);
    expect(second.status).toBe(200);
    expect((await readSseBody(second)).data.at(-1)?.type).toBe('response.completed');
  });

  it('should apply a token rejection only to that token, and count down `times`', async () => {
    const rig = await startCodexTestRig();
    const other = await rig.auth.mintTokens();
    rig.backend.rejectAccessToken({ token: other.accessToken, times: 2 });
    const asOther = { authorization: `Bearer ${other.accessToken}` };

    const statuses = [
      (await postResponses({ rig, body: codexRequestBody() })).status,
      (await postResponses({ rig, body: codexRequestBody(), headers: asOther })).status,
      (await postResponses({ rig, body: codexRequestBody(), headers: asOther })).status,
      (await postResponses({ rig, body: codexRequestBody(), headers: asOther })).status,
    ];

    expect(statuses).toEqual([200, 401, 401, 200]);
  });

  it('should, without a verifier, accept any unexpired JWT carrying an account id', async () => {
    const auth = await startFakeOpenAiAuth();
    const expiredAuth = await startFakeOpenAiAuth({ now: () => Date.now() - 864_060_000 });
    const backend = await startFakeCodexBackend();
    const tokens = await auth.mintTokens();
    const expired = await expiredAuth.mintTokens();

    const good = await postResponses({ rig: { auth, backend, tokens }, body: codexRequestBody() });
    const old = await postResponses({ rig: { auth, backend, tokens: expired }, body: codexRequestBody() });

    expect(good.status).toBe(200);
    await good.arrayBuffer();
    expect(old.status).toBe(401);
    expect(await old.json()).toEqual(EXPIRED);
  });

  it('should guard /codex/models and /wham/usage too', async () => {
    const rig = await startCodexTestRig();

    const models = await getWithAuth({
      rig,
      path: '/backend-api/codex/models',
      headers: { authorization: 'Bearer x' },
    });
    const usage = await getWithAuth({
      rig,
      path: '/backend-api/wham/usage',
      headers: { 'chatgpt-account-id': 'other' },
    });

    expect(models.status).toBe(401);
    expect(await models.json()).toEqual(INVALIDATED);
    expect(usage.status).toBe(403);
  });
});

describe('verifyWithFakeOpenAiAuth', () => {
  it('should return the account, plan, email and user of a token the fake issued', async () => {
    const auth = await startFakeOpenAiAuth({ accounts: [{ email: 'pro@example.com', planType: 'pro' }] });
    const tokens = await auth.mintTokens();

    const claims = await verifyWithFakeOpenAiAuth(auth)(tokens.accessToken);

    expect(claims).toEqual({
      accountId: tokens.chatgptAccountId,
      planType: 'pro',
      email: 'pro@example.com',
      userId: expect.stringMatching(/^user-/),
    });
  });

  it('should return null for a tampered token and garbage, and accept its id token', async () => {
    const auth = await startFakeOpenAiAuth();
    const tokens = await auth.mintTokens();
    const [header, payload, signature] = tokens.accessToken.split('.');
    const tampered = `${header}.${payload}x.${signature}`;
    const verify = verifyWithFakeOpenAiAuth(auth);

    // The id token verifies too (same issuer and audience); a backend cannot tell them apart, nor can the real one.
    expect(await verify(tokens.idToken)).toMatchObject({ accountId: tokens.chatgptAccountId });
    expect(await verify(tampered)).toBeNull();
    expect(await verify('garbage')).toBeNull();
  });
});
