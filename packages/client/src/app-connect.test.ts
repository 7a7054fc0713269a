import { describe, expect, it } from 'vitest';
import type { AppConnection } from './app-connection.ts';
import { completeAppConnect } from './complete-app-connect.ts';
import { createGatewayClient } from './create-gateway-client.ts';
import { GatewayClientError } from './gateway-client-error.ts';
import { startAppConnect } from './start-app-connect.ts';
import { createFakeAuthorizationServer, FAKE_GATEWAY, memoryStorage } from './testing/fake-authorization-server.ts';

const REDIRECT = 'http://notes.test/settings/gateway-callback';

async function connect(server = createFakeAuthorizationServer(), storage = memoryStorage()) {
  const started = await startAppConnect({
    gatewayUrl: FAKE_GATEWAY,
    clientName: 'My notes',
    redirectUri: REDIRECT,
    storage,
    fetch: server.fetch,
  });
  const callbackUrl = server.approve(started.authorizationUrl);
  return { server, storage, started, callbackUrl };
}

async function failure(promise: Promise<unknown>): Promise<GatewayClientError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GatewayClientError);
  return error as GatewayClientError;
}

describe('issue 18: Connect AI gateway (OAuth 2.1 code + PKCE S256)', () => {
  it('issue 18: discovers the server, registers a public client, and asks for scope ai with PKCE S256', async () => {
    const { server, started } = await connect();
    const registration = server.requests.find((request) => request.url.endsWith('/oauth/reg'));
    expect(registration?.body).toMatchObject({
      client_name: 'My notes',
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
    });
    expect(server.requests[0]?.url).toBe(`${FAKE_GATEWAY}/.well-known/oauth-authorization-server`);
    const url = new URL(started.authorizationUrl);
    expect(url.searchParams.get('client_id')).toBe(started.clientId);
    expect(url.searchParams.get('scope')).toBe('ai');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('state')).toBe(started.state);
    // The verifier stays in the app; only its hash leaves.
    expect(started.authorizationUrl).not.toContain('code_verifier');
  });

  it('issue 18: a pre-registered clientId is used as is, with no registration', async () => {
    const server = createFakeAuthorizationServer();
    server.clients.set('notes-app', { redirectUris: [REDIRECT], name: 'My notes' });
    const storage = memoryStorage();
    const started = await startAppConnect({
      gatewayUrl: FAKE_GATEWAY,
      clientName: 'My notes',
      redirectUri: REDIRECT,
      clientId: 'notes-app',
      storage,
      fetch: server.fetch,
    });
    expect(server.requests.some((request) => request.url.endsWith('/oauth/reg'))).toBe(false);
    const connection = await completeAppConnect({
      callbackUrl: server.approve(started.authorizationUrl),
      storage,
      fetch: server.fetch,
    });
    expect(connection.clientId).toBe('notes-app');
  });

  it('issue 18: the callback exchanges the code with the PKCE verifier and returns the connection', async () => {
    const { server, storage, started, callbackUrl } = await connect();
    const before = Date.now();
    const connection = await completeAppConnect({ callbackUrl, storage, fetch: server.fetch });
    expect(connection).toMatchObject({
      gatewayUrl: FAKE_GATEWAY,
      clientId: started.clientId,
      accessToken: expect.stringMatching(/^at_/),
      refreshToken: expect.stringMatching(/^rt_/),
      scope: 'ai',
    });
    expect(connection.expiresAt).toBeGreaterThanOrEqual(before + 3_600_000);
    // The fake checked S256(code_verifier) against the challenge; a wrong verifier is refused (next test).
    expect(server.validAccessTokens.has(connection.accessToken)).toBe(true);
  });

  it('issue 18: state is single-use: the same callback a second time is refused before any token request', async () => {
    const { server, storage, callbackUrl } = await connect();
    await completeAppConnect({ callbackUrl, storage, fetch: server.fetch });
    const tokenRequests = server.requests.filter((request) => request.url.endsWith('/oauth/token')).length;
    const replay = await failure(completeAppConnect({ callbackUrl, storage, fetch: server.fetch }));
    expect(replay.code).toBe('invalid_state');
    expect(server.requests.filter((request) => request.url.endsWith('/oauth/token'))).toHaveLength(tokenRequests);
  });

  it('issue 18: a callback whose state this browser never issued is refused (login CSRF)', async () => {
    const { server, storage, callbackUrl } = await connect();
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'attacker-state');
    expect(
      (await failure(completeAppConnect({ callbackUrl: forged.toString(), storage, fetch: server.fetch }))).code,
    ).toBe('invalid_state');
    const noState = new URL(callbackUrl);
    noState.searchParams.delete('state');
    expect(
      (await failure(completeAppConnect({ callbackUrl: noState.toString(), storage, fetch: server.fetch }))).code,
    ).toBe('invalid_state');
    // Another browser (storage) that started nothing cannot complete this one either.
    expect(
      (await failure(completeAppConnect({ callbackUrl, storage: memoryStorage(), fetch: server.fetch }))).code,
    ).toBe('invalid_state');
  });

  it('issue 18: a code exchanged with another verifier fails: the PKCE verifier is the one of this connect', async () => {
    const { server, storage, started } = await connect();
    // A second connect in the same browser: its callback must not be completed with the first one's verifier.
    const second = await startAppConnect({
      gatewayUrl: FAKE_GATEWAY,
      clientName: 'My notes',
      redirectUri: REDIRECT,
      clientId: started.clientId,
      storage,
      fetch: server.fetch,
    });
    const secondCallback = new URL(server.approve(second.authorizationUrl));
    const code = secondCallback.searchParams.get('code') ?? '';
    const mixed = new URL(server.approve(started.authorizationUrl));
    mixed.searchParams.set('code', code);
    const error = await failure(completeAppConnect({ callbackUrl: mixed.toString(), storage, fetch: server.fetch }));
    expect(error.code).toBe('connect_failed');
  });

  it('issue 18: a callback from another issuer (mix-up) and a denied consent are typed errors', async () => {
    const { server, storage, callbackUrl } = await connect();
    const mixUp = new URL(callbackUrl);
    mixUp.searchParams.set('iss', 'http://evil.test/oauth');
    expect(
      (await failure(completeAppConnect({ callbackUrl: mixUp.toString(), storage, fetch: server.fetch }))).code,
    ).toBe('connect_failed');

    const denied = await connect(server, storage);
    const deniedUrl = new URL(REDIRECT);
    deniedUrl.searchParams.set('error', 'access_denied');
    deniedUrl.searchParams.set('state', denied.started.state);
    deniedUrl.searchParams.set('iss', `${FAKE_GATEWAY}/oauth`);
    const error = await failure(
      completeAppConnect({ callbackUrl: deniedUrl.toString(), storage, fetch: server.fetch }),
    );
    expect(error).toMatchObject({ code: 'access_denied', message: 'The connection was not allowed on the gateway.' });
  });

  it('issue 18: without sessionStorage (Node) the storage must be passed, and says so', async () => {
    const error = await failure(
      startAppConnect({ gatewayUrl: FAKE_GATEWAY, clientName: 'x', redirectUri: REDIRECT, fetch: fetch }),
    );
    expect(error.message).toContain('pass `storage`');
  });
});

describe('issue 18: an app connection refreshes its access token', () => {
  /** The gateway's note API behind the fake authorization server: 401 invalid_token for a token it does not know. */
  function gatewayWithApi(server = createFakeAuthorizationServer()) {
    const apiCalls: string[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      const url = new URL(String(input));
      if (!url.pathname.startsWith('/api/')) return server.fetch(input, init);
      const token = new Headers(init?.headers).get('authorization')?.replace(/^Bearer /, '') ?? '';
      apiCalls.push(token);
      if (!server.validAccessTokens.has(token)) {
        return new Response(JSON.stringify({ error: { code: 'unauthenticated', message: 'Sign in again.' } }), {
          status: 401,
          headers: { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' },
        });
      }
      return new Response(JSON.stringify({ models: [] }), { headers: { 'content-type': 'application/json' } });
    };
    return { server, apiCalls, fetch: fetchImpl };
  }

  async function connected(gateway: ReturnType<typeof gatewayWithApi>) {
    const storage = memoryStorage();
    const started = await startAppConnect({
      gatewayUrl: FAKE_GATEWAY,
      clientName: 'My notes',
      redirectUri: REDIRECT,
      storage,
      fetch: gateway.fetch,
    });
    return completeAppConnect({
      callbackUrl: gateway.server.approve(started.authorizationUrl),
      storage,
      fetch: gateway.fetch,
    });
  }

  it('issue 18: an expired token is refreshed before the request; the rotated refresh token goes to onConnectionChange', async () => {
    const gateway = gatewayWithApi();
    const connection = await connected(gateway);
    const changes: AppConnection[] = [];
    const client = createGatewayClient({
      baseUrl: FAKE_GATEWAY,
      app: {
        connection: { ...connection, expiresAt: Date.now() - 1 },
        onConnectionChange: (next) => changes.push(next),
      },
      fetch: gateway.fetch,
    });
    await expect(client.models()).resolves.toEqual([]);
    expect(changes).toHaveLength(1);
    expect(changes[0]?.refreshToken).not.toBe(connection.refreshToken);
    expect(changes[0]?.accessToken).not.toBe(connection.accessToken);
    expect(gateway.apiCalls).toEqual([changes[0]?.accessToken]);
  });

  it('issue 18: a 401 invalid_token refreshes once and sends the request again', async () => {
    const gateway = gatewayWithApi();
    const connection = await connected(gateway);
    gateway.server.validAccessTokens.delete(connection.accessToken);
    const changes: AppConnection[] = [];
    const client = createGatewayClient({
      baseUrl: FAKE_GATEWAY,
      app: { connection, onConnectionChange: (next) => changes.push(next) },
      fetch: gateway.fetch,
    });
    await expect(client.models()).resolves.toEqual([]);
    expect(gateway.apiCalls).toEqual([connection.accessToken, changes[0]?.accessToken]);
  });

  it('issue 18: parallel requests share one refresh (a rotated refresh token is never sent twice)', async () => {
    const gateway = gatewayWithApi();
    const connection = await connected(gateway);
    const changes: AppConnection[] = [];
    const client = createGatewayClient({
      baseUrl: FAKE_GATEWAY,
      app: { connection: { ...connection, expiresAt: 0 }, onConnectionChange: (next) => changes.push(next) },
      fetch: gateway.fetch,
    });
    await Promise.all([client.models(), client.models(), client.models()]);
    const refreshes = gateway.server.requests.filter(
      (request) =>
        request.url.endsWith('/oauth/token') && (request.body as URLSearchParams).get('grant_type') === 'refresh_token',
    );
    expect(refreshes).toHaveLength(1);
    expect(changes).toHaveLength(1);
  });

  it('issue 18: a disconnected app (refresh refused) fails with 401 unauthenticated, and asks no more', async () => {
    const gateway = gatewayWithApi();
    const connection = await connected(gateway);
    gateway.server.revokeAll();
    const client = createGatewayClient({ baseUrl: FAKE_GATEWAY, app: { connection }, fetch: gateway.fetch });
    const error = await failure(client.models());
    expect(error).toMatchObject({ status: 401, code: 'unauthenticated' });
    expect(error.message).toContain('connect the app again');
    expect(gateway.apiCalls).toEqual([connection.accessToken]);
  });
});
