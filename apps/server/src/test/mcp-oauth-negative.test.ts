import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthProvider } from '../domain/oauth-server/create-oauth-provider.ts';
import { loadOrCreateOAuthKeys } from '../domain/oauth-server/oauth-keys.ts';
import { ConsentingBrowser } from './consenting-browser.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// The gateway's MCP authorization server and protected resource, driven over real HTTP by panva's oauth4webapi (a
// spec-strict client that validates discovery, `state`, `iss` and token responses itself), through the failure
// paths a real client or an attacker can take (docs/mcp-oauth.md §5.3). Every case checks the status code and the error
// code the specs prescribe, and the side effect where there is one (revoked grants, no redirect).

/** http on loopback: the test gateway has no TLS. */
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
const MCP_SCOPE = 'mcp:tools';

type AuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post';
type RegisteredClient = { client: oauth.Client; auth: oauth.ClientAuth; redirectUri: string };
type PendingAuthorization = { url: URL; state: string; verifier: string; redirectUri: string };
type Tokens = { access_token: string; refresh_token?: string; scope?: string };

let gateway: AiTestGateway;
let user: AiTestUser;
let as: oauth.AuthorizationServer;
/** `{gateway}/mcp`: the only resource, so the audience of every access token. */
let resource: string;
let nextPort = 47_100;

beforeAll(async () => {
  gateway = await startAiTestGateway();
  user = await gateway.addUser({ email: 'mcp-negative@home.test', chatgptAccount: 'alice@example.com' });
  as = await discover(gateway);
  resource = `${gateway.url}/mcp`;
});
afterAll(async () => {
  await gateway?.close();
});

async function discover(target: AiTestGateway): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(`${target.url}/oauth`);
  const response = await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...INSECURE });
  return oauth.processDiscoveryResponse(issuer, response);
}

/** A loopback redirect URI nobody listens on: the tests read the code from the redirect, never follow it. */
function loopbackRedirect(path = '/callback'): string {
  nextPort += 1;
  return `http://127.0.0.1:${nextPort}${path}`;
}

function registrationRequest(metadata: Record<string, unknown>, server = as): Promise<Response> {
  return oauth.dynamicClientRegistrationRequest(server, metadata as Partial<oauth.Client>, INSECURE);
}

/** Registers a client through open DCR, as an MCP client does on first contact. */
async function registerClient(
  options: { authMethod?: AuthMethod; redirectUris?: string[]; server?: oauth.AuthorizationServer } = {},
): Promise<RegisteredClient> {
  const authMethod = options.authMethod ?? 'none';
  const redirectUris = options.redirectUris ?? [loopbackRedirect()];
  const response = await registrationRequest(
    {
      client_name: `negative test client (${authMethod})`,
      redirect_uris: redirectUris,
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: authMethod,
    },
    options.server,
  );
  expect(response.status).toBe(201);
  const client = (await oauth.processDynamicClientRegistrationResponse(response)) as oauth.Client;
  const secret = typeof client.client_secret === 'string' ? client.client_secret : '';
  const auth =
    authMethod === 'none'
      ? oauth.None()
      : authMethod === 'client_secret_basic'
        ? oauth.ClientSecretBasic(secret)
        : oauth.ClientSecretPost(secret);
  return { client, auth, redirectUri: redirectUris[0] ?? '' };
}

/**
 * An authorization request as a well-behaved client builds it (PKCE S256, state, resource, scope); `overrides`
 * replaces parameters, `null` removes one.
 */
async function buildAuthorization(
  registered: RegisteredClient,
  overrides: Record<string, string | null> = {},
  server = as,
): Promise<PendingAuthorization> {
  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(server.authorization_endpoint ?? '');
  const parameters: Record<string, string | null> = {
    response_type: 'code',
    client_id: registered.client.client_id,
    redirect_uri: registered.redirectUri,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    resource: `${new URL(server.issuer).origin}/mcp`,
    scope: MCP_SCOPE,
    ...overrides,
  };
  for (const [name, value] of Object.entries(parameters)) if (value != null) url.searchParams.set(name, value);
  return { url, state, verifier, redirectUri: parameters.redirect_uri ?? registered.redirectUri };
}

/** The browser leg: the signed-in user approves on the consent page; oauth4webapi checks `state` and `iss`. */
async function approve(
  registered: RegisteredClient,
  pending: PendingAuthorization,
  options: { server?: oauth.AuthorizationServer; session?: AiTestUser['session'] } = {},
): Promise<URLSearchParams> {
  const { callbackUrl, view } = await new ConsentingBrowser(options.session ?? user.session).authorize(pending.url);
  expect(view?.clientId).toBe(registered.client.client_id);
  expect(`${callbackUrl.origin}${callbackUrl.pathname}`).toBe(pending.redirectUri);
  return oauth.validateAuthResponse(options.server ?? as, registered.client, callbackUrl, pending.state);
}

function exchangeCode(
  registered: RegisteredClient,
  pending: PendingAuthorization,
  callback: URLSearchParams,
  options: { redirectUri?: string; resource?: string; server?: oauth.AuthorizationServer } = {},
): Promise<Response> {
  const server = options.server ?? as;
  return oauth.authorizationCodeGrantRequest(
    server,
    registered.client,
    registered.auth,
    callback,
    options.redirectUri ?? pending.redirectUri,
    pending.verifier,
    { additionalParameters: { resource: options.resource ?? `${new URL(server.issuer).origin}/mcp` }, ...INSECURE },
  );
}

/** The whole happy path: authorize, approve, exchange the code. */
async function obtainTokens(
  registered: RegisteredClient,
  overrides: Record<string, string | null> = {},
): Promise<Tokens> {
  const pending = await buildAuthorization(registered, overrides);
  const callback = await approve(registered, pending);
  const response = await exchangeCode(registered, pending, callback);
  expect(response.status).toBe(200);
  return (await oauth.processAuthorizationCodeResponse(as, registered.client, response)) as Tokens;
}

function refresh(registered: RegisteredClient, refreshToken: string): Promise<Response> {
  return oauth.refreshTokenGrantRequest(as, registered.client, registered.auth, refreshToken, {
    additionalParameters: { resource },
    ...INSECURE,
  });
}

/** An OAuth error response at the token endpoint, as oauth4webapi reports it to its caller. */
async function expectTokenEndpointError(
  registered: RegisteredClient,
  response: Response,
  expected: { status: number; error: string },
) {
  expect(response.status).toBe(expected.status);
  expect(response.headers.get('cache-control')).toBe('no-store');
  await expect(oauth.processGenericTokenEndpointResponse(as, registered.client, response)).rejects.toMatchObject({
    error: expected.error,
    status: expected.status,
  });
}

/** An MCP `initialize` request over Streamable HTTP, bearing `accessToken` (or nothing). */
async function initializeMcp(
  accessToken: string | null,
  options: { origin?: string; query?: string; target?: AiTestGateway } = {},
): Promise<Response> {
  const target = options.target ?? gateway;
  const response = await fetch(`${target.url}/mcp${options.query ?? ''}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(accessToken == null ? {} : { authorization: `Bearer ${accessToken}` }),
      ...(options.origin == null ? {} : { origin: options.origin }),
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'oauth4webapi negative tests', version: '1.0.0' },
      },
    }),
  });
  // Read the whole answer (a 200 is an SSE stream that ends after the initialize result).
  await response.clone().text();
  return response;
}

function bearerChallenge(response: Response): string {
  const challenge = response.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer /);
  return challenge;
}

async function expectInvalidToken(response: Response) {
  expect(response.status).toBe(401);
  expect(bearerChallenge(response)).toContain('error="invalid_token"');
  expect(await response.json()).toMatchObject({ error: 'invalid_token' });
}

/** Where an authorization request was redirected to with an error (RFC 6749 §4.1.2.1, RFC 9207 `iss`). */
async function expectErrorRedirect(pending: PendingAuthorization, error: string) {
  const response = await new ConsentingBrowser(user.session).request(pending.url);
  expect(response.status).toBeGreaterThanOrEqual(300);
  expect(response.status).toBeLessThan(400);
  const location = new URL(response.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(pending.redirectUri);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('state')).toBe(pending.state);
  expect(location.searchParams.get('iss')).toBe(as.issuer);
  expect(location.searchParams.has('code')).toBe(false);
  return location;
}

/** An authorization request the server must answer itself, never redirecting to an unverified address. */
async function expectErrorPage(url: URL, error: string) {
  const response = await new ConsentingBrowser(user.session).request(url);
  expect(response.status).toBe(400);
  expect(response.headers.get('location')).toBeNull();
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(await response.text()).toContain(error);
}

describe('issue 8: MCP authorization server, negative cases', () => {
  it('1. refuses a replayed authorization code with invalid_grant and revokes the tokens it issued', async () => {
    const registered = await registerClient();
    const pending = await buildAuthorization(registered);
    const callback = await approve(registered, pending);
    const first = await exchangeCode(registered, pending, callback);
    expect(first.status).toBe(200);
    const tokens = await oauth.processAuthorizationCodeResponse(as, registered.client, first);
    expect((await initializeMcp(tokens.access_token)).status).toBe(200);

    const replay = await exchangeCode(registered, pending, callback);
    await expectTokenEndpointError(registered, replay, { status: 400, error: 'invalid_grant' });
    // RFC 9700 §4.5 / OAuth 2.1 §4.1.3: the tokens issued for the code are revoked.
    await expectInvalidToken(await initializeMcp(tokens.access_token));
    if (tokens.refresh_token != null) {
      await expectTokenEndpointError(registered, await refresh(registered, tokens.refresh_token), {
        status: 400,
        error: 'invalid_grant',
      });
    }
  });

  it('2. refuses a reused refresh token with invalid_grant and revokes the whole grant', async () => {
    const registered = await registerClient();
    const tokens = await obtainTokens(registered);
    const oldRefreshToken = tokens.refresh_token ?? '';
    expect(oldRefreshToken).not.toBe('');

    const rotated = await refresh(registered, oldRefreshToken);
    expect(rotated.status).toBe(200);
    const second = await oauth.processRefreshTokenResponse(as, registered.client, rotated);
    const newRefreshToken = second.refresh_token ?? '';
    expect(newRefreshToken).not.toBe('');
    expect(newRefreshToken).not.toBe(oldRefreshToken);
    expect((await initializeMcp(second.access_token)).status).toBe(200);

    await expectTokenEndpointError(registered, await refresh(registered, oldRefreshToken), {
      status: 400,
      error: 'invalid_grant',
    });
    // Reuse means the family leaked: the rotated refresh token and the latest access token die with the grant.
    await expectTokenEndpointError(registered, await refresh(registered, newRefreshToken), {
      status: 400,
      error: 'invalid_grant',
    });
    await expectInvalidToken(await initializeMcp(second.access_token));
  });

  it('3. answers an unregistered redirect_uri with an error page, and a redirect_uri mismatch with invalid_grant', async () => {
    const registered = await registerClient({ redirectUris: ['https://app.example/callback'] });
    const pending = await buildAuthorization(registered, { redirect_uri: 'https://evil.example/callback' });
    await expectErrorPage(pending.url, 'invalid_redirect_uri');

    const both = [loopbackRedirect('/first'), loopbackRedirect('/second')];
    const twoRedirects = await registerClient({ redirectUris: both });
    const authorization = await buildAuthorization(twoRedirects, { redirect_uri: both[0] ?? '' });
    const callback = await approve(twoRedirects, authorization);
    const mismatch = await exchangeCode(twoRedirects, authorization, callback, { redirectUri: both[1] ?? '' });
    await expectTokenEndpointError(twoRedirects, mismatch, { status: 400, error: 'invalid_grant' });
  });

  it('4. redirects with invalid_request (state and iss included) for plain PKCE or no code_challenge', async () => {
    const registered = await registerClient();
    const plain = await buildAuthorization(registered, { code_challenge_method: 'plain' });
    plain.url.searchParams.set('code_challenge', plain.verifier);
    await expectErrorRedirect(plain, 'invalid_request');

    const missing = await buildAuthorization(registered, { code_challenge: null, code_challenge_method: null });
    await expectErrorRedirect(missing, 'invalid_request');
  });

  it('5. refuses another resource with invalid_target, at /authorize and at /token', async () => {
    const registered = await registerClient();
    const evil = await buildAuthorization(registered, { resource: 'https://evil.example/mcp' });
    await expectErrorRedirect(evil, 'invalid_target');

    const pending = await buildAuthorization(registered);
    const callback = await approve(registered, pending);
    const other = await exchangeCode(registered, pending, callback, { resource: 'https://evil.example/mcp' });
    await expectTokenEndpointError(registered, other, { status: 400, error: 'invalid_target' });
  });

  it('6. refuses at /mcp an access token issued for another audience', async () => {
    const registered = await registerClient();
    // The gateway only ever issues /mcp tokens, so mint tokens directly through an oidc-provider instance over the
    // same store: one for another audience, and a control token identical except for its audience.
    const test = gateway.test;
    const store = { db: test.db, now: test.connections.now, vault: test.vault };
    const provider = createOAuthProvider(store, {
      issuer: test.config.oauthIssuer,
      resource,
      aiResource: test.config.aiResourceUrl,
      accessTokenTtlSeconds: 600,
      refreshTokenTtlSeconds: 600,
      keys: await loadOrCreateOAuthKeys(store),
    });
    const client = await provider.Client.find(registered.client.client_id);
    if (client == null) throw new Error('the registered client is not in the store');
    const mint = async (audience: string) => {
      const grant = new provider.Grant({ accountId: user.userId, clientId: client.clientId });
      grant.addResourceScope(audience, MCP_SCOPE);
      const grantId = await grant.save();
      const token = new provider.AccessToken({
        client,
        accountId: user.userId,
        grantId,
        gty: 'authorization_code',
        scope: MCP_SCOPE,
        aud: audience,
      });
      return token.save();
    };

    const foreign = await initializeMcp(await mint('https://other.example/mcp'));
    await expectInvalidToken(foreign);
    expect(bearerChallenge(foreign)).toContain(`was not issued for ${resource}`);
    expect((await initializeMcp(await mint(resource))).status).toBe(200);

    // And a real token from another gateway (another issuer, another resource) means nothing here.
    const other = await startAiTestGateway();
    try {
      const otherUser = await other.addUser({ email: 'other-gateway@home.test' });
      const otherAs = await discover(other);
      const otherClient = await registerClient({ server: otherAs });
      const pending = await buildAuthorization(otherClient, {}, otherAs);
      const callback = await approve(otherClient, pending, { server: otherAs, session: otherUser.session });
      const exchanged = await exchangeCode(otherClient, pending, callback, { server: otherAs });
      expect(exchanged.status).toBe(200);
      const tokens = await oauth.processAuthorizationCodeResponse(otherAs, otherClient.client, exchanged);
      expect((await initializeMcp(tokens.access_token, { target: other })).status).toBe(200);
      await expectInvalidToken(await initializeMcp(tokens.access_token));
    } finally {
      await other.close();
    }
  });

  it('7. refuses an access token in the query string with 400 invalid_request', async () => {
    const tokens = await obtainTokens(await registerClient());
    const response = await initializeMcp(null, { query: `?access_token=${encodeURIComponent(tokens.access_token)}` });
    expect(response.status).toBe(400);
    expect(bearerChallenge(response)).toContain('error="invalid_request"');
    // Even alongside a valid header: a token in the URL is never accepted.
    const both = await initializeMcp(tokens.access_token, {
      query: `?access_token=${encodeURIComponent(tokens.access_token)}`,
    });
    expect(both.status).toBe(400);
    expect(bearerChallenge(both)).toContain('error="invalid_request"');
  });

  it('8. refuses a request from a foreign web origin with 403, even with a valid token', async () => {
    const tokens = await obtainTokens(await registerClient());
    const foreign = await initializeMcp(tokens.access_token, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).not.toContain('serverInfo');
    expect((await initializeMcp(tokens.access_token, { origin: new URL(gateway.url).origin })).status).toBe(200);
  });

  it('9. refuses an expired access token with 401 invalid_token', async () => {
    // Its own gateway: moving the clock would expire the shared user's session for the other cases.
    const own = await startAiTestGateway();
    try {
      const ownUser = await own.addUser({ email: 'clock@home.test' });
      const ownAs = await discover(own);
      const registered = await registerClient({ server: ownAs });
      const pending = await buildAuthorization(registered, {}, ownAs);
      const callback = await approve(registered, pending, { server: ownAs, session: ownUser.session });
      const exchanged = await exchangeCode(registered, pending, callback, { server: ownAs });
      const tokens = await oauth.processAuthorizationCodeResponse(ownAs, registered.client, exchanged);
      expect(tokens.expires_in).toBeLessThanOrEqual(3600);
      expect((await initializeMcp(tokens.access_token, { target: own })).status).toBe(200);

      own.test.advanceTime(2 * 3600_000);
      await expectInvalidToken(await initializeMcp(tokens.access_token, { target: own }));
    } finally {
      await own.close();
    }
  });

  it('10. authenticates confidential clients: a wrong Basic secret is 401 invalid_client, client_secret_post works', async () => {
    const basic = await registerClient({ authMethod: 'client_secret_basic' });
    expect(basic.client.client_secret).toEqual(expect.any(String));
    const pending = await buildAuthorization(basic);
    const callback = await approve(basic, pending);
    const wrong = { ...basic, auth: oauth.ClientSecretBasic('not-the-secret') };
    const refused = await exchangeCode(wrong, pending, callback);
    expect(refused.status).toBe(401);
    expect(await refused.clone().json()).toMatchObject({ error: 'invalid_client' });
    // RFC 6749 §5.2: a client that tried HTTP Basic gets a Basic challenge with the 401.
    const challenge = refused.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(/^Basic realm="/);
    expect(challenge).toContain('error="invalid_client"');
    await expect(oauth.processAuthorizationCodeResponse(as, basic.client, refused)).rejects.toBeInstanceOf(
      oauth.WWWAuthenticateChallengeError,
    );
    // The client's own secret still redeems the code (client authentication failed before the code was used).
    const accepted = await exchangeCode(basic, pending, callback);
    expect(accepted.status).toBe(200);

    const post = await registerClient({ authMethod: 'client_secret_post' });
    const tokens = await obtainTokens(post);
    expect(tokens.access_token).toEqual(expect.any(String));
    expect((await initializeMcp(tokens.access_token)).status).toBe(200);
  });

  it('11. answers a request without a token with 401 and a bare challenge naming the resource metadata', async () => {
    const response = await initializeMcp(null);
    expect(response.status).toBe(401);
    const challenge = bearerChallenge(response);
    expect(challenge).toContain(`resource_metadata="${gateway.url}/.well-known/oauth-protected-resource/mcp"`);
    // RFC 6750 §3.1: no error code when the request carried no credentials at all.
    expect(challenge).not.toContain('error=');
  });

  it('12. registers only https or loopback redirect URIs, relaxing only the port of loopback ones', async () => {
    const refusedHttp = await registrationRequest({ redirect_uris: ['http://evil.example/cb'] });
    expect(refusedHttp.status).toBe(400);
    expect(await refusedHttp.json()).toMatchObject({ error: 'invalid_redirect_uri' });
    const refusedScheme = await registrationRequest({ redirect_uris: ['cursor://x'] });
    expect(refusedScheme.status).toBe(400);
    expect(await refusedScheme.json()).toMatchObject({ error: 'invalid_redirect_uri' });
    for (const uri of ['https://chatgpt.com/connector/oauth/abc123', 'https://claude.ai/api/mcp/auth_callback']) {
      const accepted = await registrationRequest({ redirect_uris: [uri], token_endpoint_auth_method: 'none' });
      expect(accepted.status).toBe(201);
      expect(await accepted.json()).toMatchObject({ redirect_uris: [uri], token_endpoint_auth_method: 'none' });
    }

    // RFC 8252 §7.3: a loopback redirect may come back on any port, but only on the registered path.
    const registered = await registerClient({ redirectUris: ['http://127.0.0.1:3000/callback'] });
    const otherPort = await buildAuthorization(registered, { redirect_uri: 'http://127.0.0.1:4567/callback' });
    const callback = await approve(registered, otherPort);
    const exchanged = await exchangeCode(registered, otherPort, callback);
    expect(exchanged.status).toBe(200);
    const otherPath = await buildAuthorization(registered, { redirect_uri: 'http://127.0.0.1:4567/elsewhere' });
    await expectErrorPage(otherPath.url, 'invalid_redirect_uri');
  });

  it('13. grants mcp:tools for an unknown scope or none at all', async () => {
    const registered = await registerClient();
    const unknown = await obtainTokens(registered, { scope: 'claudeai' });
    expect(unknown.scope).toBe(MCP_SCOPE);
    const none = await obtainTokens(registered, { scope: null });
    expect(none.scope).toBe(MCP_SCOPE);
    expect((await initializeMcp(none.access_token)).status).toBe(200);
  });

  it('14. revokes a refresh token at /oauth/revoke (RFC 7009): the grant’s tokens stop working, unknown tokens answer 200', async () => {
    const registered = await registerClient();
    const tokens = await obtainTokens(registered);
    expect((await initializeMcp(tokens.access_token)).status).toBe(200);
    const revoked = await oauth.revocationRequest(as, registered.client, registered.auth, tokens.refresh_token ?? '', {
      additionalParameters: { token_type_hint: 'refresh_token' },
      ...INSECURE,
    });
    expect(revoked.status).toBe(200);
    await expectTokenEndpointError(registered, await refresh(registered, tokens.refresh_token ?? ''), {
      status: 400,
      error: 'invalid_grant',
    });
    await expectInvalidToken(await initializeMcp(tokens.access_token));
    const unknown = await oauth.revocationRequest(as, registered.client, registered.auth, 'not-a-token', INSECURE);
    expect(unknown.status).toBe(200);
  });

  it('15. logs each registration, authorization and token grant with client id and redirect URI, never a secret', async () => {
    const registered = await registerClient({ authMethod: 'client_secret_post' });
    const tokens = await obtainTokens(registered);
    const lines = gateway.test.logs
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const about = (event: string) =>
      lines.filter((line) => line.event === event && line.clientId === registered.client.client_id);
    expect(about('oauth.registration')).toHaveLength(1);
    expect(about('oauth.authorization')[0]).toMatchObject({ result: 'ok', redirectUri: registered.redirectUri });
    expect(about('oauth.token')[0]).toMatchObject({ result: 'ok', grantType: 'authorization_code' });
    const everything = gateway.test.logs.join('');
    for (const secret of [String(registered.client.client_secret), tokens.access_token, tokens.refresh_token ?? '']) {
      expect(secret.length).toBeGreaterThan(10);
      expect(everything).not.toContain(secret);
    }
  });

  it('16. lets a second gateway user approve in the same browser: the grant is theirs, not the first user’s', async () => {
    const other = await gateway.addUser({ email: 'mcp-second@home.test' });
    const browser = new ConsentingBrowser(user.session);
    const first = await registerClient();
    const firstPending = await buildAuthorization(first);
    expect((await browser.authorize(firstPending.url)).callbackUrl.searchParams.get('code')).toBeTruthy();

    browser.signInAs(other.session);
    const second = await registerClient();
    const pending = await buildAuthorization(second);
    const { callbackUrl } = await browser.authorize(pending.url);
    const callback = oauth.validateAuthResponse(as, second.client, callbackUrl, pending.state);
    const exchanged = await exchangeCode(second, pending, callback);
    expect(exchanged.status).toBe(200);
    const listed = await gateway.sessionRequest(other, 'GET', '/api/connected-apps');
    const { apps } = (await listed.json()) as { apps: { clientId: string }[] };
    expect(apps.map((app) => app.clientId)).toEqual([second.client.client_id]);
  });

  it('issue 16: "revoke all" in Connected apps ends every grant of the user: access and refresh tokens, none of another user', async () => {
    const owner = await gateway.addUser({ email: 'mcp-revoke-all@home.test' });
    const neighbour = await gateway.addUser({ email: 'mcp-revoke-all-neighbour@home.test' });
    const connect = async (session: AiTestUser['session'], authMethod: AuthMethod) => {
      const registered = await registerClient({ authMethod });
      const pending = await buildAuthorization(registered);
      const callback = await approve(registered, pending, { session });
      const response = await exchangeCode(registered, pending, callback);
      expect(response.status).toBe(200);
      const tokens = (await oauth.processAuthorizationCodeResponse(as, registered.client, response)) as Tokens;
      return { registered, tokens };
    };
    const apps = [
      await connect(owner.session, 'none'),
      await connect(owner.session, 'client_secret_post'),
      await connect(owner.session, 'client_secret_basic'),
    ];
    const kept = await connect(neighbour.session, 'none');
    for (const app of [...apps, kept]) expect((await initializeMcp(app.tokens.access_token)).status).toBe(200);
    const listed = async (who: AiTestUser) =>
      ((await (await gateway.sessionRequest(who, 'GET', '/api/connected-apps')).json()) as { apps: unknown[] }).apps;
    expect(await listed(owner)).toHaveLength(3);

    const revoked = await gateway.sessionRequest(owner, 'DELETE', '/api/connected-apps');
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ revoked: 3 });

    expect(await listed(owner)).toEqual([]);
    for (const { registered, tokens } of apps) {
      expect((await initializeMcp(tokens.access_token)).status).toBe(401);
      await expectTokenEndpointError(registered, await refresh(registered, tokens.refresh_token ?? ''), {
        status: 400,
        error: 'invalid_grant',
      });
    }
    // The neighbour's app is untouched: its token still opens /mcp and its refresh token still works.
    expect(await listed(neighbour)).toHaveLength(1);
    expect((await initializeMcp(kept.tokens.access_token)).status).toBe(200);
    expect((await refresh(kept.registered, kept.tokens.refresh_token ?? '')).status).toBe(200);
  });

  it('17. re-approving an app extends its one grant: Connected apps lists it once, the consent page knows it', async () => {
    const owner = await gateway.addUser({ email: 'mcp-reapprove@home.test' });
    const registered = await registerClient();
    const browser = () => new ConsentingBrowser(owner.session);
    const first = await browser().authorize((await buildAuthorization(registered)).url);
    expect(first.view?.isKnownApp).toBe(false);
    const second = await browser().authorize((await buildAuthorization(registered)).url);
    expect(second.view?.isKnownApp).toBe(true);
    const listed = await gateway.sessionRequest(owner, 'GET', '/api/connected-apps');
    const { apps } = (await listed.json()) as { apps: { clientId: string }[] };
    expect(apps.map((app) => app.clientId)).toEqual([registered.client.client_id]);
  });
});
