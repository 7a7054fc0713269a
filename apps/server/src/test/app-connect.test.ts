import { Writable } from 'node:stream';
import { sql } from 'drizzle-orm';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { deleteUnusedClients } from '../domain/oauth-server/collect-unused-clients.ts';
import { ConsentingBrowser } from './consenting-browser.ts';
import { gatewayProcessEnvironment } from './database-environment.ts';
import { type AiTestGateway, type AiTestUser, startAiTestGateway } from './start-ai-test-gateway.ts';

// "Connect AI gateway" (issue 18, docs/app-connect.md): a note app connects as a public OAuth client with code + PKCE
// through the consent page, over real HTTP on loopback, driven by panva's spec-strict oauth4webapi (as the SDK's
// browser flow would be), and its `ai` token is used on the AI APIs against the testkit fakes.

const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
/** Where the browser app runs: https anywhere is a valid redirect; its origin is what CORS must allow. */
const APP_ORIGIN = 'https://notes.example.test';
const APP_REDIRECT = `${APP_ORIGIN}/connect/callback`;
const MODEL = 'chatgpt/gpt-5.5';

type Connected = {
  client: oauth.Client;
  tokens: { access_token: string; refresh_token: string; scope: string; expires_in: number };
};

let gateway: AiTestGateway;
let user: AiTestUser;
let as: oauth.AuthorizationServer;

beforeAll(async () => {
  gateway = await startAiTestGateway({ shouldEcho: true });
  user = await gateway.addUser({ email: 'notes-app@home.test', chatgptAccount: 'alice@example.com' });
  const issuer = new URL(`${gateway.url}/oauth`);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...INSECURE }),
  );
});
afterAll(async () => {
  await gateway?.close();
});

async function registerDynamically(redirectUris = [APP_REDIRECT]): Promise<oauth.Client> {
  const response = await oauth.dynamicClientRegistrationRequest(
    as,
    {
      client_name: 'Notes',
      redirect_uris: redirectUris,
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    } as Partial<oauth.Client>,
    INSECURE,
  );
  expect(response.status).toBe(201);
  return (await oauth.processDynamicClientRegistrationResponse(response)) as oauth.Client;
}

/**
 * Starts an authorization as the SDK does (scope `ai`, no `resource`; `extra` overrides or adds parameters), approves
 * it on the consent page, returns the code, verifier and what the consent page showed.
 */
async function authorize(client: oauth.Client, redirectUri = APP_REDIRECT, extra: Record<string, string> = {}) {
  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  const url = new URL(as.authorization_endpoint ?? '');
  for (const [name, value] of Object.entries({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: 'ai',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  })) {
    url.searchParams.set(name, value);
  }
  const { callbackUrl, view } = await new ConsentingBrowser(user.session).authorize(url);
  const params = oauth.validateAuthResponse(as, client, callbackUrl, state);
  return { params, verifier, view, redirectUri };
}

async function connect(client: oauth.Client): Promise<Connected & { view: unknown }> {
  const { params, verifier, view, redirectUri } = await authorize(client);
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, verifier, {
    ...INSECURE,
  });
  const tokens = await oauth.processAuthorizationCodeResponse(as, client, response);
  return { client, tokens: tokens as Connected['tokens'], view };
}

function chat(token: string, path: '/api/ai/chat' | '/v1/chat/completions' = '/api/ai/chat') {
  const body =
    path === '/api/ai/chat'
      ? { model: MODEL, content: 'hello from notes' }
      : { model: MODEL, messages: [{ role: 'user', content: 'hello from notes' }] };
  return fetch(`${gateway.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(20_000),
  });
}

/** 401 `unauthenticated` (on `/v1` in OpenAI's envelope, where the same class is `invalid_api_key`). */
async function expectUnauthenticated(response: Response, message: RegExp): Promise<void> {
  expect(response.status).toBe(401);
  const body = (await response.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe(
    new URL(response.url).pathname.startsWith('/v1/') ? 'invalid_api_key' : 'unauthenticated',
  );
  expect(body.error.message).toMatch(message);
}

async function runGatewayCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) =>
    new Writable({
      write(chunk, _encoding, callback) {
        append(String(chunk));
        callback();
      },
    });
  const { Readable } = await import('node:stream');
  const code = await runCli(args, {
    stdin: Readable.from([]),
    stdout: sink((text) => {
      stdout += text;
    }),
    stderr: sink((text) => {
      stderr += text;
    }),
    // On a PostgreSQL run the CLI must open the gateway's database (under its key), not a SQLite file of its own.
    environment: {
      GATEWAY_DATA_DIR: gateway.test.dataDir,
      GATEWAY_PUBLIC_URL: gateway.url,
      ...gatewayProcessEnvironment(gateway.test),
    },
    cwd: gateway.test.dataDir,
  });
  return { code, stdout, stderr };
}

describe('issue 18: Connect AI gateway (OAuth 2.1 code + PKCE, scope ai)', () => {
  it('issue 18: a dynamically registered public client connects and its ai token works on /api/ai and /v1', async () => {
    const client = await registerDynamically();
    expect(client.token_endpoint_auth_method).toBe('none');
    expect(client.client_secret).toBeUndefined();
    const { tokens, view } = await connect(client);

    // The consent page named the app and said what `ai` lets it use.
    expect(view).toMatchObject({
      clientName: 'Notes',
      redirectHost: 'notes.example.test',
      scopes: [{ name: 'ai', description: expect.stringMatching(/AI models .*OpenAI-compatible/) }],
      resource: gateway.url,
    });
    // An app that asks for `ai` gets `ai` only, and a refresh token without asking for offline_access.
    expect(tokens.scope).toBe('ai');
    expect(tokens.refresh_token).toEqual(expect.any(String));

    const answer = await chat(tokens.access_token);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({ provider: 'chatgpt', content: 'echo: hello from notes' });
    const completion = await chat(tokens.access_token, '/v1/chat/completions');
    expect(completion.status).toBe(200);
    expect(await completion.json()).toMatchObject({
      object: 'chat.completion',
      choices: [{ message: { content: 'echo: hello from notes' } }],
    });

    const me = await fetch(`${gateway.url}/api/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(await me.json()).toMatchObject({ user: { id: user.userId }, authenticatedWith: 'app', apiKeyPrefix: null });
  });

  it('issue 19: a connected app’s requests are usage-ledger rows under its client id, with the fake’s counts', async () => {
    const { client, tokens } = await connect(await registerDynamically());
    const appRows = () =>
      gateway.test.db.all<Record<string, unknown>>(
        sql`select * from usage_events where app_client_id = ${client.client_id}`,
      );
    gateway.fakeCodex.enqueueScenarios(
      {
        kind: 'stream',
        echo: true,
        usage: { inputTokens: 151, cachedTokens: 0, outputTokens: 51, reasoningTokens: 0 },
      },
      {
        kind: 'stream',
        echo: true,
        usage: { inputTokens: 152, cachedTokens: 2, outputTokens: 52, reasoningTokens: 1 },
      },
    );
    expect((await chat(tokens.access_token)).status).toBe(200);
    expect((await chat(tokens.access_token, '/v1/chat/completions')).status).toBe(200);
    await expect.poll(async () => (await appRows()).length, { timeout: 5_000, interval: 50 }).toBe(2);
    const common = { user_id: user.userId, caller_kind: 'app', api_key_id: null, provider: 'chatgpt', status: 200 };
    expect(await appRows()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ...common, route: '/api/ai/chat', input_tokens: 151, output_tokens: 51 }),
        expect.objectContaining({
          ...{ ...common, route: '/v1/chat/completions', input_tokens: 152, cached_input_tokens: 2 },
          ...{ output_tokens: 52, reasoning_tokens: 1 },
        }),
      ]),
    );
  });

  it('issue 18: an ai token never opens /mcp nor a settings route, and an MCP token never opens the AI APIs', async () => {
    const { tokens } = await connect(await registerDynamically());
    const mcp = await fetch(`${gateway.url}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(mcp.status).toBe(401);
    expect(mcp.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);

    const settings = await fetch(`${gateway.url}/api/settings`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(settings.status).toBe(403);
    expect(((await settings.json()) as { error: { code: string } }).error.code).toBe('forbidden');

    // The same app asking for mcp:tools with the /mcp resource gets an MCP token, which the AI APIs refuse.
    const client = await registerDynamically();
    // Every advertised scope, as Claude asks, but for the /mcp resource only: `ai` is dropped.
    const { params, verifier, view } = await authorize(client, APP_REDIRECT, {
      scope: 'mcp:tools ai',
      resource: `${gateway.url}/mcp`,
    });
    expect(view?.scopes.map((scope) => scope.name)).toEqual(['mcp:tools']);
    const mcpTokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, APP_REDIRECT, verifier, {
        ...INSECURE,
        additionalParameters: { resource: `${gateway.url}/mcp` },
      }),
    );
    expect(mcpTokens.scope).toBe('mcp:tools');
    await expectUnauthenticated(await chat(mcpTokens.access_token), /not issued for the gateway's AI APIs/);
    await expectUnauthenticated(await chat('not-a-token-we-issued'), /unknown, expired or revoked/);
  });

  it('issue 18: refresh tokens rotate (the old one is refused) and the new access token works', async () => {
    const { client, tokens } = await connect(await registerDynamically());
    const refreshed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, INSECURE),
    );
    expect(refreshed.scope).toBe('ai');
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await chat(refreshed.access_token)).status).toBe(200);

    // Reusing the rotated-out refresh token is refused, and revokes the grant (oidc-provider's reuse detection).
    const reuse = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, INSECURE);
    expect(reuse.status).toBe(400);
    expect(((await reuse.json()) as { error: string }).error).toBe('invalid_grant');
    await expectUnauthenticated(await chat(refreshed.access_token), /unknown, expired or revoked/);
  });

  it('issue 18: a wrong PKCE verifier, a replayed code and a second decision on one request are refused', async () => {
    const client = await registerDynamically();
    const { params, verifier } = await authorize(client);
    const wrong = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      params,
      APP_REDIRECT,
      oauth.generateRandomCodeVerifier(),
      INSECURE,
    );
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: string }).error).toBe('invalid_grant');

    const second = await authorize(client);
    const first = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      second.params,
      APP_REDIRECT,
      second.verifier,
      INSECURE,
    );
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, first);
    const replay = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.None(),
      second.params,
      APP_REDIRECT,
      second.verifier,
      INSECURE,
    );
    expect(replay.status).toBe(400);
    expect(((await replay.json()) as { error: string }).error).toBe('invalid_grant');
    // The replay revoked what the code had issued.
    await expectUnauthenticated(await chat(tokens.access_token), /unknown, expired or revoked/);
    expect(verifier).not.toBe(second.verifier);

    // One consent request is answered once: the same interaction cannot be approved again.
    const state = oauth.generateRandomState();
    const url = new URL(as.authorization_endpoint ?? '');
    for (const [name, value] of Object.entries({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: APP_REDIRECT,
      scope: 'ai',
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier()),
      code_challenge_method: 'S256',
    })) {
      url.searchParams.set(name, value);
    }
    const browser = new ConsentingBrowser(user.session);
    const start = await browser.request(url);
    const consentUrl = new URL(start.headers.get('location') ?? '', url);
    const decide = () =>
      browser.request(`${consentUrl.href}/decision`, { method: 'POST', body: { approve: true }, csrf: true });
    const decided = await decide();
    expect(decided.status).toBe(200);
    const { redirectTo } = (await decided.json()) as { redirectTo: string };
    const resumed = await browser.request(new URL(redirectTo, consentUrl));
    expect(resumed.headers.get('location')).toMatch(/^https:\/\/notes\.example\.test\/connect\/callback\?code=/);
    // The request was answered: deciding it again, or resuming it again, gives no second code.
    const again = await decide();
    expect(again.status).toBe(410);
    const resumedAgain = await browser.request(new URL(redirectTo, consentUrl));
    expect(resumedAgain.headers.get('location') ?? '').not.toContain('code=');
  });

  it('issue 18: a client registered with `gateway app register` connects the same way; app list and app remove', async () => {
    const refused = await runGatewayCli([
      'app',
      'register',
      '--name',
      'Notes',
      '--redirect-uri',
      'http://notes.example.test/cb',
    ]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/must use https, or http on a loopback address/);

    const registered = await runGatewayCli([
      'app',
      'register',
      '--name',
      'Notes (pre-registered)',
      '--redirect-uri',
      APP_REDIRECT,
      '--redirect-uri',
      'http://127.0.0.1:5173/callback',
    ]);
    expect(registered.code).toBe(0);
    const clientId = registered.stdout.trim();
    expect(clientId).toMatch(/^app_[\w-]{20,}$/);

    // Nobody connected it yet, and the cleanup of abandoned registrations must still leave it alone.
    const store = { db: gateway.test.db, now: gateway.test.connections.now, vault: gateway.test.vault };
    await deleteUnusedClients(store, { olderThanMs: -60_000 });
    const client: oauth.Client = { client_id: clientId, token_endpoint_auth_method: 'none' };
    const { tokens, view } = await connect(client);
    expect(view).toMatchObject({ clientId, clientName: 'Notes (pre-registered)' });
    expect((await chat(tokens.access_token)).status).toBe(200);

    const listed = await runGatewayCli(['app', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        clientId,
        name: 'Notes (pre-registered)',
        redirectUris: [APP_REDIRECT, 'http://127.0.0.1:5173/callback'],
        connectedUsers: 1,
      }),
    ]);

    const removed = await runGatewayCli(['app', 'remove', clientId]);
    expect(removed.code).toBe(0);
    expect(removed.stderr).toContain('disconnected it for 1 user(s)');
    await expectUnauthenticated(await chat(tokens.access_token), /unknown, expired or revoked/);
    expect(JSON.parse((await runGatewayCli(['app', 'list', '--json'])).stdout)).toEqual([]);
  });

  it('issue 18: Connected apps lists the app with its scope and policy; the policy is editable; Disconnect → a 401 the app can read', async () => {
    const { client, tokens } = await connect(await registerDynamically([APP_REDIRECT, 'http://127.0.0.1:5173/cb']));
    const list = await gateway.sessionRequest(user, 'GET', '/api/connected-apps');
    const apps = ((await list.json()) as { apps: Array<Record<string, unknown>> }).apps;
    const listed = apps.find((app) => app.clientId === client.client_id);
    expect(listed).toMatchObject({
      clientName: 'Notes',
      scopes: ['ai'],
      resources: [gateway.url],
      policy: {
        allowedModels: null,
        subscriptionOnly: false,
        allowedOrigins: [APP_ORIGIN, 'http://127.0.0.1:5173'],
      },
    });

    const path = `/api/connected-apps/${encodeURIComponent(client.client_id)}/policy`;
    const policy = { allowedModels: ['chatgpt/*'], subscriptionOnly: true, allowedOrigins: [APP_ORIGIN] };
    const saved = await gateway.sessionRequest(user, 'PUT', path, policy);
    expect(saved.status).toBe(200);
    expect(await saved.json()).toEqual(policy);
    expect(await (await gateway.sessionRequest(user, 'GET', path)).json()).toEqual(policy);
    // A settings write: the session alone is not enough, the CSRF header is required; the app's token is refused.
    const withoutCsrf = await fetch(`${gateway.url}${path}`, {
      method: 'PUT',
      headers: { cookie: user.session.cookie, 'content-type': 'application/json' },
      body: JSON.stringify(policy),
    });
    expect(withoutCsrf.status).toBe(403);
    const withToken = await fetch(`${gateway.url}${path}`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    expect(withToken.status).toBe(403);
    // Another user cannot read it (the app is not theirs).
    const other = await gateway.addUser({ email: 'other-notes@home.test' });
    expect((await gateway.sessionRequest(other, 'GET', path)).status).toBe(404);
    const invalid = await gateway.sessionRequest(user, 'PUT', path, { ...policy, allowedOrigins: ['notes.example'] });
    expect(invalid.status).toBe(400);

    const grantId = String(listed?.grantId);
    const disconnect = await gateway.sessionRequest(user, 'DELETE', `/api/connected-apps/${grantId}`);
    expect(disconnect.status).toBe(200);
    await expectUnauthenticated(await chat(tokens.access_token), /unknown, expired or revoked/);
    await expectUnauthenticated(await chat(tokens.access_token, '/v1/chat/completions'), /unknown, expired or revoked/);
    expect((await gateway.sessionRequest(user, 'GET', path)).status).toBe(404);
    // The browser app can still read that 401 (its origin stays allowed), so it can say "not connected".
    const fromApp = await fetch(`${gateway.url}/api/ai/chat`, {
      method: 'POST',
      headers: {
        origin: APP_ORIGIN,
        authorization: `Bearer ${tokens.access_token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ content: 'Hi' }),
    });
    expect(fromApp.status).toBe(401);
    expect(fromApp.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });

  it('issue 18: token and revocation endpoints answer CORS to the redirect origin only; registration and discovery to any', async () => {
    const { client, tokens } = await connect(await registerDynamically());
    const refresh = (origin: string, refreshToken: string) =>
      fetch(as.token_endpoint ?? '', {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          client_id: client.client_id,
        }),
      });

    const preflight = await fetch(as.token_endpoint ?? '', {
      method: 'OPTIONS',
      headers: {
        origin: APP_ORIGIN,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);

    const foreign = await refresh('https://evil.example', tokens.refresh_token);
    expect(foreign.status).toBe(400);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const allowed = await refresh(APP_ORIGIN, tokens.refresh_token);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const rotated = (await allowed.json()) as { access_token: string };

    const revokeFrom = (origin: string) =>
      fetch(as.revocation_endpoint ?? '', {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: rotated.access_token, client_id: client.client_id }),
      });
    const foreignRevoke = await revokeFrom('https://evil.example');
    expect(foreignRevoke.headers.get('access-control-allow-origin')).toBeNull();
    expect((await chat(rotated.access_token)).status).toBe(200);
    const revoked = await revokeFrom(APP_ORIGIN);
    expect(revoked.status).toBe(200);
    expect(revoked.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    await expectUnauthenticated(await chat(rotated.access_token), /unknown, expired or revoked/);

    const registrationPreflight = await fetch(as.registration_endpoint ?? '', {
      method: 'OPTIONS',
      headers: { origin: 'https://any.example', 'access-control-request-method': 'POST' },
    });
    expect(registrationPreflight.status).toBe(204);
    expect(registrationPreflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(registrationPreflight.headers.get('access-control-allow-headers')).toMatch(/content-type/);
    const registration = await fetch(as.registration_endpoint ?? '', {
      method: 'POST',
      headers: { origin: 'https://any.example', 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: [APP_REDIRECT], token_endpoint_auth_method: 'none', client_name: 'x' }),
    });
    expect(registration.status).toBe(201);
    expect(registration.headers.get('access-control-allow-origin')).toBe('*');
    expect(registration.headers.get('access-control-allow-credentials')).toBeNull();

    const discovery = await fetch(`${gateway.url}/.well-known/oauth-authorization-server`, {
      headers: { origin: 'https://any.example' },
    });
    expect(discovery.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await discovery.json()) as { scopes_supported: string[] }).scopes_supported).toContain('ai');
  });
});
