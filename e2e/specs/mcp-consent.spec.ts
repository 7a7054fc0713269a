import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type APIRequestContext, expect, type Page, test } from '@playwright/test';
import { ADMIN, ensureAdminAccount } from '../support/admin-account.ts';
import { ARTIFACTS_DIR } from '../support/paths.ts';

// An MCP client's authorization against the real server, in the real browser: the test plays the app (a loopback
// callback server, dynamic registration, PKCE, the token exchange, an MCP call) and the user (sign in on the
// consent page, approve or deny, then revoke the app under Settings → Connected apps).

const APP_NAME = 'Playwright MCP app';
const STATE = 'xyz';

type StorageCookies = Awaited<ReturnType<APIRequestContext['storageState']>>['cookies'];

/** The gateway session of the one sign-in this file does (sign-ins are rate limited per address). */
let sessionCookies: StorageCookies = [];

function gatewayUrl(baseURL: string | undefined): string {
  if (baseURL == null) throw new Error('E2E_BASE_URL is not set: did the global setup run?');
  return baseURL.replace(/\/+$/, '');
}

/** The app's redirect URI: a loopback server that records the query of every request to `/callback`. */
async function startCallbackApp() {
  const received: URLSearchParams[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== '/callback') {
      response.writeHead(404).end();
      return;
    }
    received.push(url.searchParams);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><title>Playwright MCP app</title><p>Authorization received.</p>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    redirectUri: `http://127.0.0.1:${port}/callback`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type CallbackApp = Awaited<ReturnType<typeof startCallbackApp>>;

/** RFC 7591 registration of a public client, as an MCP client does before its first authorization. */
async function registerClient(gateway: string, redirectUri: string, clientName: string): Promise<string> {
  const response = await fetch(`${gateway}/oauth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      client_name: clientName,
      redirect_uris: [redirectUri],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
    }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  const body = (await response.json()) as { client_id: string };
  return body.client_id;
}

function createPkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(gateway: string, options: { clientId: string; redirectUri: string; challenge: string }) {
  const url = new URL(`${gateway}/oauth/authorize`);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: options.clientId,
    redirect_uri: options.redirectUri,
    code_challenge: options.challenge,
    code_challenge_method: 'S256',
    state: STATE,
    resource: `${gateway}/mcp`,
  }).toString();
  return url.href;
}

/** An MCP `initialize` with the app's access token: the first thing a client does on `/mcp`. */
function initializeMcp(gateway: string, accessToken: string): Promise<Response> {
  return fetch(`${gateway}/mcp`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: {
        protocolVersion: '2025-06-18',
        capabilities: {},
        clientInfo: { name: 'playwright-e2e', version: '1.0.0' },
      },
    }),
  });
}

/** Waits until the app's callback was hit once, and answers its query. */
async function waitForCallback(app: CallbackApp): Promise<URLSearchParams> {
  await expect.poll(() => app.received.length, { timeout: 15_000 }).toBe(1);
  const [query] = app.received;
  if (query == null) throw new Error('no callback received');
  return query;
}

/** Restores the file's session; signs in through the API only when the first test did not run (`--grep`). */
async function restoreSession(page: Page, request: APIRequestContext) {
  if (sessionCookies.length === 0) {
    const login = await request.post('/api/auth/login', { data: { email: ADMIN.email, password: ADMIN.password } });
    expect(login.status()).toBe(200);
    sessionCookies = (await request.storageState()).cookies;
  }
  await page.context().addCookies(sessionCookies);
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: join(ARTIFACTS_DIR, 'screenshots', `${name}.png`), fullPage: true });
}

test.beforeAll(async ({ playwright, baseURL }) => {
  const request = await playwright.request.newContext({ baseURL });
  await ensureAdminAccount(request);
  await request.dispose();
});

test('an MCP app is approved on the consent page, gets a token, and is revoked in Connected apps', async ({
  page,
  baseURL,
}) => {
  const gateway = gatewayUrl(baseURL);
  const app = await startCallbackApp();
  try {
    const clientId = await registerClient(gateway, app.redirectUri, APP_NAME);
    const pkce = createPkce();

    await test.step('the authorization lands on the consent page, which asks a signed-out browser to sign in', async () => {
      const response = await page.goto(
        authorizeUrl(gateway, { clientId, redirectUri: app.redirectUri, challenge: pkce.challenge }),
      );
      expect(response?.status()).toBe(200);
      expect(new URL(page.url()).pathname).toMatch(/^\/oauth\/interaction\/[\w-]+$/);
      const headers = response?.headers() ?? {};
      expect(headers['cache-control']).toContain('no-store');
      expect(headers['x-frame-options']).toBe('DENY');

      await expect(page.getByRole('heading', { level: 1, name: 'Sign in to continue' })).toBeVisible();
      await page.getByLabel('Email').fill(ADMIN.email);
      await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      // Still on the consent page: signing in here must not lose the authorization request.
      await expect(page.getByRole('heading', { level: 1, name: 'Allow this app to use your gateway?' })).toBeVisible();
      expect(new URL(page.url()).pathname).toMatch(/^\/oauth\/interaction\/[\w-]+$/);
      sessionCookies = (await page.context().cookies()).filter((cookie) => cookie.path === '/');
    });

    await test.step('the consent page shows who asks, where the browser goes, and the loopback warning', async () => {
      await expect(page.getByText(APP_NAME, { exact: true })).toBeVisible();
      await expect(page.getByText('(name declared by the app)')).toBeVisible();
      await expect(page.getByRole('region', { name: 'After you decide, your browser goes to' })).toContainText(
        app.host,
      );
      await expect(page.getByRole('note')).toContainText('any program on this computer can receive this authorization');
      await expect(page.getByText('New app', { exact: true })).toBeVisible();
      await expect(page.getByText(`${gateway}/mcp`, { exact: true })).toBeVisible();
      await expect(page.getByText(ADMIN.email, { exact: true })).toBeVisible();
      await expect(page.getByText(/never receives your ChatGPT or Gemini tokens/)).toBeVisible();
      await screenshot(page, 'mcp-consent');
    });

    let accessToken = '';
    await test.step('approving sends the browser back to the app with a code, state and issuer', async () => {
      await page.getByRole('button', { name: 'Approve' }).click();
      const query = await waitForCallback(app);
      expect(query.get('code')).toMatch(/\S+/);
      expect(query.get('state')).toBe(STATE);
      expect(query.get('iss')).toBe(`${gateway}/oauth`);
      await expect(page).toHaveURL(new RegExp(`^${app.redirectUri}\\?`));

      const token = await fetch(`${gateway}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code: query.get('code') ?? '',
          redirect_uri: app.redirectUri,
          code_verifier: pkce.verifier,
          client_id: clientId,
          resource: `${gateway}/mcp`,
        }),
      });
      const tokenBody = (await token.json()) as { access_token?: string };
      expect(token.status, JSON.stringify(tokenBody)).toBe(200);
      accessToken = tokenBody.access_token ?? '';
      expect(accessToken).not.toBe('');
      const initialized = await initializeMcp(gateway, accessToken);
      expect(initialized.status).toBe(200);
      await initialized.arrayBuffer();
    });

    await test.step('Settings → Connected apps lists the app; revoking it locks the token out', async () => {
      await page.goto('/settings/api-keys');
      await page.getByRole('link', { name: 'Connected apps' }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Connected apps' })).toBeVisible();
      const row = page.getByRole('row').filter({ hasText: APP_NAME });
      await expect(row).toBeVisible();
      await expect(row).toContainText('Name declared by the app');
      await expect(row).toContainText(app.host);
      await expect(row).toContainText('Use your gateway’s tools');
      await screenshot(page, 'mcp-connected-apps');

      await row.getByRole('button', { name: `Revoke ${APP_NAME}` }).click();
      const dialog = page.getByRole('dialog', { name: 'Revoke this app?' });
      await expect(dialog).toContainText(APP_NAME);
      await dialog.getByRole('button', { name: 'Revoke' }).click();
      await expect(page.getByText('No connected apps')).toBeVisible();
      await expect(page.getByRole('row').filter({ hasText: APP_NAME })).toHaveCount(0);
      await expect(page.getByLabel('MCP server address')).toHaveValue(`${gateway}/mcp`);
      await expect(page.getByRole('button', { name: 'Copy' })).toBeVisible();
      await expect(page.getByText(/Signing out of the gateway does not disconnect these apps/)).toBeVisible();
      await screenshot(page, 'mcp-connected-apps-empty');

      const refused = await initializeMcp(gateway, accessToken);
      expect(refused.status).toBe(401);
      await refused.arrayBuffer();
    });
  } finally {
    await app.close();
  }
});

test('denying sends the browser back to the app with access_denied', async ({ page, request, baseURL }) => {
  const gateway = gatewayUrl(baseURL);
  const app = await startCallbackApp();
  try {
    await restoreSession(page, request);
    const clientId = await registerClient(gateway, app.redirectUri, `${APP_NAME} (deny)`);
    const pkce = createPkce();
    await page.goto(authorizeUrl(gateway, { clientId, redirectUri: app.redirectUri, challenge: pkce.challenge }));
    await expect(page.getByRole('heading', { level: 1, name: 'Allow this app to use your gateway?' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'After you decide, your browser goes to' })).toContainText(app.host);

    await page.getByRole('button', { name: 'Deny' }).click();
    const query = await waitForCallback(app);
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('state')).toBe(STATE);
    expect(query.get('iss')).toBe(`${gateway}/oauth`);
    expect(query.get('code')).toBeNull();

    const connected = await page.request.get('/api/connected-apps');
    expect(connected.status()).toBe(200);
    expect(((await connected.json()) as { apps: unknown[] }).apps).toEqual([]);
  } finally {
    await app.close();
  }
});

test('a consent link without its authorization request asks to start again from the app', async ({ page, request }) => {
  await restoreSession(page, request);
  // What a consent link opened in another browser (or after it expired) finds: no interaction cookie.
  const response = await page.goto('/oauth/interaction/unknown-request-0000');
  expect(response?.headers()['cache-control']).toContain('no-store');
  await expect(page.getByRole('heading', { level: 1, name: 'This request has expired' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Start the connection again from the app');
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
});
