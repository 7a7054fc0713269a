import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreeLoopbackPort } from '@pag/testkit';
import { OPENAI_MODEL, UPSTREAMS_READY_PREFIX, type UpstreamProfile, type UpstreamUrls } from './bench-profiles.ts';
import { type BenchProcess, startProcess } from './child-process.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('../', import.meta.url));
const STARTUP_TIMEOUT_MS = 60_000;
const ADMIN = { email: 'bench@example.test', password: 'correct horse battery staple' };

export type BenchEnvironment = {
  upstreams: UpstreamUrls;
  gateway: BenchProcess & { url: string; apiKey: string };
  portkey: (BenchProcess & { url: string }) | null;
  /** The floor: a bare Node relay (processes/bare-relay.mjs), no gateway work at all. */
  bareRelay: BenchProcess & { url: string };
  /** The bare relay's work through Fastify (processes/framework-relay.mjs): what the framework alone costs. */
  frameworkRelay: BenchProcess & { url: string };
  upstreamProcess: BenchProcess;
  /** Points the bench user's OpenAI-compatible key at a profile (the gateway checks it by listing models). */
  useProfile(profile: UpstreamProfile): Promise<void>;
  /** Requests each bench upstream has answered (to prove Portkey really reached it). */
  upstreamStats(profile: UpstreamProfile): Promise<{ chatCompletions: number; rejected: number }>;
  stop(): Promise<void>;
};

/**
 * Three processes besides the runner (the load generator): the fake upstreams, the gateway (its real entry,
 * `apps/server/bin/gateway-server.mjs`, on a fresh data dir) and Portkey's gateway. The gateway is then set up the
 * way a person does it, through its own API: first-run setup, sign-in, a gateway API key, an OpenAI-compatible
 * key, and the ChatGPT subscription by the paste sign-in against the fake auth.openai.com.
 */
export async function startEnvironment(options: { withPortkey: boolean }): Promise<BenchEnvironment> {
  const workDir = await mkdtemp(join(tmpdir(), 'pag-bench-'));
  const started: BenchProcess[] = [];
  const stopAll = async () => {
    await Promise.allSettled(started.map((process) => process.stop()));
    await rm(workDir, { recursive: true, force: true });
  };
  try {
    const upstreamProcess = startProcess({
      name: 'upstreams',
      command: process.execPath,
      args: [join(BENCH_DIR, 'processes/upstream-process.ts')],
      cwd: REPO_ROOT,
      logFile: join(workDir, 'upstreams.log'),
    });
    started.push(upstreamProcess);
    const ready = await upstreamProcess.waitFor(new RegExp(`^${UPSTREAMS_READY_PREFIX}(.+)$`, 'm'), STARTUP_TIMEOUT_MS);
    const upstreams = JSON.parse(ready[1] ?? '') as UpstreamUrls;

    const [gatewayPort, portkeyPort, barePort, frameworkPort] = await Promise.all([
      findFreeLoopbackPort(),
      findFreeLoopbackPort(),
      findFreeLoopbackPort(),
      findFreeLoopbackPort(),
    ]);
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const gatewayProcess = spawnGateway({
      port: gatewayPort,
      dataDir: join(workDir, 'gateway-data'),
      logFile: join(workDir, 'gateway.log'),
      upstreams,
    });
    started.push(gatewayProcess);

    let portkey: BenchEnvironment['portkey'] = null;
    if (options.withPortkey) {
      const portkeyProcess = spawnPortkey({ port: portkeyPort, logFile: join(workDir, 'portkey.log') });
      started.push(portkeyProcess);
      await portkeyProcess.waitFor(/Ready for connections/, STARTUP_TIMEOUT_MS);
      portkey = Object.assign(portkeyProcess, { url: `http://127.0.0.1:${portkeyPort}` });
    }

    /** A floor relay, started and listening. */
    const startRelay = async (name: string, script: string, port: number) => {
      const relay = spawnRelay({ name, script, port, logFile: join(workDir, script.replace(/\.mjs$/, '.log')) });
      started.push(relay);
      await relay.waitFor(new RegExp(`${name} listening`), STARTUP_TIMEOUT_MS);
      return Object.assign(relay, { url: `http://127.0.0.1:${port}` });
    };
    const bareRelay = await startRelay('bare relay', 'bare-relay.mjs', barePort);
    const frameworkRelay = await startRelay('framework relay', 'framework-relay.mjs', frameworkPort);

    const setupToken = (await gatewayProcess.waitFor(/\/setup#token=([A-Za-z0-9_-]+)/, STARTUP_TIMEOUT_MS))[1] ?? '';
    const session = await provisionGateway({ url: gatewayUrl, setupToken, upstreams });
    const gateway = Object.assign(gatewayProcess, { url: gatewayUrl, apiKey: session.apiKey });

    const useProfile = async (profile: UpstreamProfile) => {
      await session.request('PUT', '/api/credentials/openai', {
        apiKey: upstreams.apiKey,
        baseUrl: upstreams.profiles[profile],
      });
    };
    const upstreamStats = async (profile: UpstreamProfile) => {
      const response = await fetch(`${upstreams.profiles[profile].replace(/\/v1$/, '')}/__bench/stats`);
      return (await response.json()) as { chatCompletions: number; rejected: number };
    };
    return {
      ...{ upstreams, gateway, portkey, bareRelay, frameworkRelay, upstreamProcess },
      ...{ useProfile, upstreamStats, stop: stopAll },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The gateway's real entry on a data dir of its own, configured as the bench runs it. Started with `node` itself
 * (no shell or package manager in between), so the process's pid is the server's.
 */
export function spawnGateway(options: {
  port: number;
  dataDir: string;
  logFile: string;
  upstreams: UpstreamUrls;
}): BenchProcess {
  const url = `http://127.0.0.1:${options.port}`;
  return startProcess({
    name: 'gateway',
    command: process.execPath,
    // Extra node flags for profiling (`BENCH_GATEWAY_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof"`), never
    // by default.
    args: [
      ...(process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
      'apps/server/bin/gateway-server.mjs',
    ],
    cwd: REPO_ROOT,
    logFile: options.logFile,
    env: {
      ...process.env,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(options.port),
      GATEWAY_PUBLIC_URL: url,
      GATEWAY_DATA_DIR: options.dataDir,
      GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The default level: every /v1 request writes its access line, as in production.
      GATEWAY_LOG_LEVEL: 'info',
      GATEWAY_OPENAI_AUTH_URL: options.upstreams.authUrl,
      GATEWAY_CHATGPT_BACKEND_URL: options.upstreams.codexBaseUrl,
      // The bench upstream listens on loopback, which the outbound policy refuses by default.
      GATEWAY_ALLOW_PRIVATE_UPSTREAMS: 'true',
    },
  });
}

/** Portkey's open-source gateway (processes/start-portkey.mjs), node itself as the process. */
export function spawnPortkey(options: { port: number; logFile: string }): BenchProcess {
  return startProcess({
    name: 'portkey',
    command: process.execPath,
    args: [join(BENCH_DIR, 'processes/start-portkey.mjs'), `--port=${options.port}`],
    cwd: join(REPO_ROOT, 'e2e'),
    logFile: options.logFile,
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

/** One of the floors (processes/bare-relay.mjs, processes/framework-relay.mjs), node itself as the process. */
export function spawnRelay(options: { name: string; script: string; port: number; logFile: string }): BenchProcess {
  return startProcess({
    name: options.name,
    command: process.execPath,
    args: [join(BENCH_DIR, 'processes', options.script), `--port=${options.port}`],
    cwd: join(REPO_ROOT, 'e2e'),
    logFile: options.logFile,
  });
}

type GatewaySession = {
  apiKey: string;
  request(method: string, path: string, body?: unknown): Promise<unknown>;
};

async function provisionGateway(options: {
  url: string;
  setupToken: string;
  upstreams: UpstreamUrls;
}): Promise<GatewaySession> {
  const { url, upstreams } = options;
  let cookie = '';
  let csrfToken = '';
  const request = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(cookie === '' ? {} : { cookie, 'x-csrf-token': csrfToken }),
        ...(body == null ? {} : { 'content-type': 'application/json' }),
      },
      ...(body == null ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    const setCookie = response.headers.get('set-cookie');
    if (setCookie != null) cookie = setCookie.split(';')[0] ?? '';
    return text === '' ? null : (JSON.parse(text) as unknown);
  };

  await request('POST', '/api/auth/setup', { token: options.setupToken, ...ADMIN });
  const login = (await request('POST', '/api/auth/login', ADMIN)) as { csrfToken: string };
  csrfToken = login.csrfToken;
  const created = (await request('POST', '/api/keys', { name: 'bench' })) as { secret: string };
  await request('PUT', '/api/credentials/openai', { apiKey: upstreams.apiKey, baseUrl: upstreams.profiles.instant });

  // The ChatGPT subscription, connected as a person on another machine would: open the sign-in link (the fake
  // approves at once and redirects to the loopback callback), paste the address it redirected to.
  const flow = (await request('POST', '/api/connections/chatgpt/sign-in', { method: 'paste' })) as {
    id: string;
    authorizeUrl: string;
  };
  const authorize = await fetch(flow.authorizeUrl, { redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  const redirect = authorize.headers.get('location');
  if (redirect == null) throw new Error(`the fake sign-in did not redirect (${authorize.status})`);
  await request('POST', `/api/connections/chatgpt/sign-in/${flow.id}/complete`, { input: redirect });

  // A first answer on each route proves the wiring before anything is measured.
  for (const model of [`openai/${OPENAI_MODEL}`, 'chatgpt/gpt-5.4']) {
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${created.secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status !== 200)
      throw new Error(`${model} through the gateway: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  }
  return { apiKey: created.secret, request };
}
