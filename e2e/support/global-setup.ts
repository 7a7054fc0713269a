import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_FAKE_GOOGLE_CLIENT,
  findFreeLoopbackPort,
  startFakeCodexBackend,
  startFakeGeminiApi,
  startFakeGoogleOAuth,
  startFakeOpenAiApi,
  startFakeOpenAiAuth,
  verifyWithFakeOpenAiAuth,
} from '@pag/testkit';
import { ARTIFACTS_DIR, REPO_ROOT, WEB_DIST_INDEX } from './paths.ts';

const STARTUP_TIMEOUT_MS = 30_000;
const GOOGLE_CLIENT = {
  clientId: DEFAULT_FAKE_GOOGLE_CLIENT.clientId,
  clientSecret: DEFAULT_FAKE_GOOGLE_CLIENT.clientSecret,
};
const POLL_INTERVAL_MS = 200;
const SHUTDOWN_GRACE_MS = 5_000;
const SETUP_LINK_PATTERN = /\/setup#token=([A-Za-z0-9_-]+)/;
const SERVER_LOG_FILE = join(ARTIFACTS_DIR, 'server.log');

/**
 * Starts the real server on a free loopback port with an empty data directory, waits until it is healthy and
 * has printed its setup link, and hands the base URL and setup token to the tests through the environment.
 * Returns the teardown.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (!existsSync(WEB_DIST_INDEX)) {
    throw new Error(`The web UI is not built (${WEB_DIST_INDEX} is missing). Run: pnpm --filter @pag/web build`);
  }

  await mkdir(ARTIFACTS_DIR, { recursive: true });
  // The upstreams the UI connects to, faked on loopback in this (the runner's) process for the whole run; tests
  // drive them through their HTTP test hooks (`/__testkit/…`), e.g. to approve a device code.
  const fakeAuth = await startFakeOpenAiAuth({ deviceInterval: '1' });
  const fakeOpenAi = await startFakeOpenAiApi();
  const fakeCodex = await startFakeCodexBackend({ verifyAccessToken: verifyWithFakeOpenAiAuth(fakeAuth) });
  const port = await findFreeLoopbackPort();
  const baseUrl = `http://127.0.0.1:${port}`;
  // A Google OAuth client as the user would register it in Google Cloud, for the gateway's public URL.
  const fakeGoogle = await startFakeGoogleOAuth({
    autoApprove: true,
    clients: [{ ...GOOGLE_CLIENT, redirectUris: [`${baseUrl}/api/connections/google/callback`] }],
  });
  const fakeGemini = await startFakeGeminiApi({
    verifyAccessToken: (token) => {
      const info = fakeGoogle.verifyAccessToken(token);
      return info == null ? false : { email: info.email, scopes: info.scopes };
    },
  });
  const dataDir = await mkdtemp(join(tmpdir(), 'pag-e2e-'));
  const log = createWriteStream(SERVER_LOG_FILE);

  // The server's real entry, as `pnpm start` and the image run it (Node strips the types itself).
  const server = spawn(process.execPath, ['apps/server/bin/gateway-server.mjs'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      GATEWAY_PUBLIC_URL: baseUrl,
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_LOG_LEVEL: 'info',
      GATEWAY_OPENAI_AUTH_URL: fakeAuth.url,
      GATEWAY_CHATGPT_BACKEND_URL: fakeCodex.baseUrl,
      GATEWAY_GOOGLE_AUTH_URL: fakeGoogle.authorizationEndpoint,
      GATEWAY_GOOGLE_TOKEN_URL: fakeGoogle.tokenEndpoint,
      GATEWAY_GOOGLE_REVOKE_URL: fakeGoogle.revocationEndpoint,
      GATEWAY_GEMINI_API_URL: fakeGemini.url,
      // The fake OpenAI-compatible API listens on loopback, which the outbound policy refuses by default.
      GATEWAY_ALLOW_PRIVATE_UPSTREAMS: 'true',
      // The browser and the specs' API clients all connect from 127.0.0.1, where sign-ins are limited to 5 a minute;
      // trusting the loopback proxy lets an API client name another address (x-forwarded-for) for its own sign-ins.
      GATEWAY_TRUST_PROXY: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });

  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    log.write(chunk);
  };
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);

  const teardown = async () => {
    await stopServer(server);
    await Promise.all([
      fakeAuth.close(),
      fakeOpenAi.close(),
      fakeCodex.close(),
      fakeGoogle.close(),
      fakeGemini.close(),
    ]);
    await new Promise<void>((resolve) => log.end(resolve));
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const token = await waitForServer({ baseUrl, server, readOutput: () => output });
    process.env.E2E_BASE_URL = baseUrl;
    process.env.E2E_SETUP_TOKEN = token;
    process.env.E2E_FAKE_AUTH_URL = fakeAuth.url;
    process.env.E2E_FAKE_OPENAI_URL = fakeOpenAi.baseUrl;
    process.env.E2E_FAKE_CODEX_URL = fakeCodex.url;
    process.env.E2E_GOOGLE_CLIENT_ID = GOOGLE_CLIENT.clientId;
    process.env.E2E_GOOGLE_CLIENT_SECRET = GOOGLE_CLIENT.clientSecret;
  } catch (error) {
    await teardown();
    const logText = await readFile(SERVER_LOG_FILE, 'utf8').catch(() => '');
    throw new Error(
      `${(error as Error).message}\nServer log (${SERVER_LOG_FILE}), last lines:\n${logText.split('\n').slice(-30).join('\n')}`,
    );
  }

  return teardown;
}

type WaitForServerOptions = { baseUrl: string; server: ChildProcess; readOutput: () => string };

async function waitForServer({ baseUrl, server, readOutput }: WaitForServerOptions): Promise<string> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode != null || server.signalCode != null) {
      throw new Error(`The server exited during startup (code ${server.exitCode}, signal ${server.signalCode}).`);
    }
    const token = SETUP_LINK_PATTERN.exec(readOutput())?.[1];
    if (token != null && (await isHealthy(baseUrl))) return token;
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  throw new Error(
    `The server at ${baseUrl} did not become healthy and print its setup link within ${STARTUP_TIMEOUT_MS / 1000} s.`,
  );
}

async function isHealthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode != null || server.signalCode != null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), SHUTDOWN_GRACE_MS);
  });
  if ((await Promise.race([exited, timedOut])) === 'timeout') {
    server.kill('SIGKILL');
    await exited;
  }
  clearTimeout(timer);
}
