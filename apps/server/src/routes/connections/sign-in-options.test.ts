import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { findFreeLoopbackPort, startFakeOpenAiAuth } from '@pag/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { Config } from '../../config.ts';
import { buildTestApp, type SignedInClient, signInNewUser, type TestApp } from '../../test/build-test-app.ts';

// Issue 17: the sign-in chooser recommends from what the server knows. In Docker compose the gateway's callback
// listener is on the container's own 127.0.0.1:1455, which compose never publishes: browser sign-in cannot come
// back, so the device code is recommended and paste is offered.
let test: TestApp | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await test?.close();
  test = undefined;
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** The environment docker-compose.yml pins for the gateway service (its `KEY: value` lines), read from the file. */
function composeEnvironment(): Record<string, string> {
  const compose = readFileSync(new URL('../../../../../docker-compose.yml', import.meta.url), 'utf8');
  // The `gateway` service only, up to the next service (the postgres profile's replicas pin more).
  const service = compose.slice(compose.indexOf('\n  gateway:\n') + 1).split(/\n {2}[a-z][\w-]*:\n/)[0] ?? '';
  const pinned = [...service.matchAll(/^ {6}(GATEWAY_[A-Z_]+): *"?([^"\n]*)"?$/gm)];
  return Object.fromEntries(pinned.map(([, name = '', value = '']) => [name, value]));
}

async function gateway(environment: Record<string, string>, config: Partial<Config> = {}) {
  const auth = await startFakeOpenAiAuth({ autoApprove: true });
  cleanups.push(() => auth.close());
  // A callback port of this test's own, so parallel tests holding 1455 cannot change the answer.
  const port = await findFreeLoopbackPort();
  test = await buildTestApp(
    {
      GATEWAY_OPENAI_AUTH_URL: auth.url,
      GATEWAY_CODEX_REDIRECT_URI: `http://127.0.0.1:${port}/auth/callback`,
      ...environment,
    },
    { config: { runsInContainer: false, ...config } },
  );
  return { owner: await signInNewUser(test), port };
}

function api(client: SignedInClient, method: 'GET' | 'POST', url: string, payload?: object) {
  return (test as TestApp).app.inject({
    method,
    url,
    headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken },
    ...(payload == null ? {} : { payload }),
  });
}

async function options(client: SignedInClient) {
  const response = await api(client, 'GET', '/api/connections/chatgpt/sign-in-options');
  expect(response.statusCode, response.body).toBe(200);
  expect(response.headers['cache-control']).toBe('no-store');
  return response.json();
}

/** Takes a loopback port for the test, or finds it taken already (by another test): either way it is busy. */
async function occupy(port: number): Promise<void> {
  const server: Server = createServer();
  const isTaken = await new Promise<boolean>((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (isTaken) cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
}

describe('issue 17: the ChatGPT sign-in chooser', () => {
  it('issue 17: a compose-style gateway (in a container, browser sign-in off) recommends device code and offers paste', async () => {
    // What docker-compose.yml sets, in the container Docker marks with /.dockerenv (the data directory aside).
    const { GATEWAY_DATA_DIR: _dataDir, ...compose } = composeEnvironment();
    expect(compose).toMatchObject({ GATEWAY_HOST: '0.0.0.0', GATEWAY_BROWSER_SIGN_IN: 'off' });
    const { owner } = await gateway(compose, { runsInContainer: true });
    expect(await options(owner)).toEqual({
      recommended: 'device',
      browser: { isAvailable: false, reason: expect.stringMatching(/port 1455/) },
      runsInContainer: true,
    });
    const paste = await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method: 'paste' });
    expect(paste.statusCode, paste.body).toBe(201);
    expect(paste.json()).toMatchObject({ method: 'paste', status: 'pending', authorizeUrl: expect.any(String) });
  });

  it('issue 17: a container found by its marker file alone (GATEWAY_BROWSER_SIGN_IN=auto) recommends device code', async () => {
    const { owner } = await gateway({}, { runsInContainer: true });
    const answer = await options(owner);
    expect(answer).toMatchObject({ recommended: 'device', browser: { isAvailable: false }, runsInContainer: true });
    expect(answer.browser.reason).toMatch(/container/);
  });

  it('issue 17: a gateway reached at another host recommends device code', async () => {
    const { owner } = await gateway({ GATEWAY_PUBLIC_URL: 'https://gateway.example.com' });
    const answer = await options(owner);
    expect(answer).toMatchObject({ recommended: 'device', browser: { isAvailable: false } });
    expect(answer.browser.reason).toMatch(/another machine/);
  });

  it('issue 17: on the gateway’s own machine with the callback port free, browser sign-in is recommended', async () => {
    const { owner } = await gateway({});
    expect(await options(owner)).toEqual({
      recommended: 'browser',
      browser: { isAvailable: true, reason: null },
      runsInContainer: false,
    });
  });

  it('issue 17: with both callback ports taken, browser sign-in is not recommended (probing takes no port)', async () => {
    const { owner, port } = await gateway({});
    await occupy(port);
    await occupy(1457);
    const answer = await options(owner);
    expect(answer).toMatchObject({ recommended: 'device', browser: { isAvailable: false } });
    expect(answer.browser.reason).toMatch(/taken/);
  });

  it('issue 17: GATEWAY_BROWSER_SIGN_IN=on overrides the container guess (host networking)', async () => {
    const { owner } = await gateway({ GATEWAY_BROWSER_SIGN_IN: 'on' }, { runsInContainer: true });
    expect(await options(owner)).toMatchObject({ recommended: 'browser', browser: { isAvailable: true } });
  });
});

describe('issue 17: a sign-in that cannot finish says so at once', () => {
  it('issue 17: browser and paste sign-in refuse to start when auth.openai.com is out of reach', async () => {
    // A closed loopback port: the exchange at the end could never happen.
    const { owner } = await gateway({ GATEWAY_OPENAI_AUTH_URL: 'http://127.0.0.1:9' });
    for (const method of ['browser', 'paste']) {
      const startedAt = performance.now();
      const refused = await api(owner, 'POST', '/api/connections/chatgpt/sign-in', { method });
      expect(performance.now() - startedAt).toBeLessThan(5000);
      expect(refused.statusCode).toBe(502);
      expect(refused.headers['retry-after']).toBe('30');
      expect(refused.json().error).toEqual({
        code: 'upstream_unavailable',
        message: expect.stringMatching(/^The gateway cannot reach 127\.0\.0\.1:9, where the sign-in finishes/),
      });
    }
  });
});
