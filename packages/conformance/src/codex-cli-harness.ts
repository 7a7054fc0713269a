import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeCodexBackend, FakeOpenAiIssuedTokens, RecordedRequest } from '@pag/testkit';

/** The official launcher script; it starts the native binary from the platform package. */
export const CODEX_LAUNCHER = createRequire(import.meta.url).resolve('@openai/codex/bin/codex.js');

/** A Codex home in its own temp folder, with a ChatGPT-mode `auth.json` (docs/codex-protocol.md §2.5). */
export async function createCodexHome(tokens: FakeOpenAiIssuedTokens): Promise<string> {
  const home = await mkdtemp(path.join(tmpdir(), 'pag-codex-home-'));
  await mkdir(home, { recursive: true });
  const auth = {
    auth_mode: 'chatgpt',
    OPENAI_API_KEY: null,
    tokens: {
      id_token: tokens.idToken,
      access_token: tokens.accessToken,
      refresh_token: tokens.refreshToken,
      account_id: tokens.chatgptAccountId,
    },
    last_refresh: new Date(tokens.issuedAt).toISOString(),
  };
  await writeFile(path.join(home, 'auth.json'), `${JSON.stringify(auth, null, 2)}\n`, { mode: 0o600 });
  return home;
}

export type CodexAuthJson = {
  auth_mode: string;
  tokens: { id_token: string; access_token: string; refresh_token: string; account_id: string };
  last_refresh: string;
};

export async function readCodexAuthJson(home: string): Promise<CodexAuthJson> {
  return JSON.parse(await readFile(path.join(home, 'auth.json'), 'utf8')) as CodexAuthJson;
}

export type CodexExecArgsOptions = {
  backend: Pick<FakeCodexBackend, 'baseUrl' | 'codexBaseUrl'>;
  prompt: string;
};

/**
 * `codex exec` against the fake backend: the cheapest command that loads ChatGPT auth (so it refreshes it) and makes a
 * model request. Every chatgpt.com call is pointed at the fake so the run stays on loopback.
 */
export function codexExecArgs(options: CodexExecArgsOptions): string[] {
  const { backend } = options;
  return [
    'exec',
    // Fails the run on an unknown -c key, so the switches below cannot silently rot.
    '--strict-config',
    '--skip-git-repo-check',
    '--ephemeral',
    // Each reaches chatgpt.com at start-up (MCP apps, the plugin catalogue).
    '--disable',
    'apps',
    '--disable',
    'plugins',
    '--disable',
    'remote_plugin',
    '-c',
    `model_providers.fake={name="fake",base_url="${backend.codexBaseUrl}",wire_api="responses",requires_openai_auth=true}`,
    '-c',
    'model_provider="fake"',
    '-c',
    'model="gpt-5.5"',
    // Account check and user settings (`/wham/...`) go here too; the fake's 404 for them is tolerated by the CLI.
    '-c',
    `chatgpt_base_url="${backend.baseUrl}/"`,
    '-c',
    'check_for_update_on_startup=false',
    '-c',
    'analytics.enabled=false',
    options.prompt,
  ];
}

/**
 * An HTTP(S) proxy that refuses everything and writes down where the CLI tried to go. The machine is offline, so
 * these calls would fail anyway; through the proxy they fail at once and the test can report them.
 */
export async function startEgressRecorder(): Promise<{ url: string; targets: string[]; close(): Promise<void> }> {
  const targets: string[] = [];
  const server: Server = createServer((request, reply) => {
    targets.push(`${request.method} ${request.url}`);
    reply.writeHead(403).end();
  });
  server.on('connect', (request, socket) => {
    targets.push(`CONNECT ${request.url}`);
    // Claude Code resets the tunnel it was refused; unhandled, that reset would crash the test process.
    socket.on('error', () => {});
    socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1' }, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address != null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export type RunCodexCliOptions = {
  args: readonly string[];
  codexHome: string;
  authUrl: string;
  proxyUrl: string;
  timeoutMs: number;
  /** The caller's PATH (only test files may read the environment); the CLI looks up helpers such as bwrap on it. */
  path: string;
  /** More variables, e.g. the API key a custom provider's `env_key` names. */
  extraEnv?: Record<string, string>;
};

export type CodexCliRun = {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
};

/** Runs the real CLI with a scrubbed environment, so nothing from the developer's machine leaks in. */
export function runCodexCli(options: RunCodexCliOptions): Promise<CodexCliRun> {
  const started = Date.now();
  const child = spawn(process.execPath, [CODEX_LAUNCHER, ...options.args], {
    cwd: options.codexHome,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: options.path,
      HOME: options.codexHome,
      CODEX_HOME: options.codexHome,
      CODEX_REFRESH_TOKEN_URL_OVERRIDE: `${options.authUrl}/oauth/token`,
      CODEX_REVOKE_TOKEN_URL_OVERRIDE: `${options.authUrl}/oauth/revoke`,
      HTTPS_PROXY: options.proxyUrl,
      HTTP_PROXY: options.proxyUrl,
      ALL_PROXY: options.proxyUrl,
      NO_PROXY: '127.0.0.1,localhost',
      NO_COLOR: '1',
      RUST_LOG: 'warn',
      ...options.extraEnv,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  // SIGKILL, not SIGTERM: a hung CLI must not hold the suite, and its state lives in a throwaway home.
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** One line per request, as evidence for the test log. Model requests carry Codex's whole system prompt, so bodies are
 * cut to their head. */
export function describeTraffic(requests: readonly RecordedRequest[]): string {
  return requests
    .map((request) => {
      const version = request.query.client_version;
      const query = typeof version === 'string' ? `?client_version=${version}` : '';
      return `  ${request.method} ${request.path}${query} [${request.headers['content-type'] ?? '-'}] ${request.text.slice(0, 300)}`;
    })
    .join('\n');
}
