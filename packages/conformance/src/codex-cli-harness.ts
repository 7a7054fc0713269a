import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FakeOpenAiIssuedTokens, FakeServer } from '@pag/testkit';
import { createRouter, startFakeServer, writeSse } from '@pag/testkit';

/** The official launcher script; it starts the native binary from the platform package. */
export const CODEX_LAUNCHER = createRequire(import.meta.url).resolve('@openai/codex/bin/codex.js');

export const STUB_REPLY = 'hello from the testkit stub';

/** A Codex home in its own temp folder, with a ChatGPT-mode `auth.json` (codex-protocol.md §2.5). */
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

/**
 * A minimal `POST /backend-api/codex/responses` that streams one assistant message. It records the bearer token
 * so tests can see which access token the CLI used. Everything else (e.g. `/models`) is the harness 404, which
 * Codex logs and survives.
 */
export async function startResponsesStub(options: { status?: number } = {}): Promise<FakeServer> {
  const router = createRouter().on('POST', '/backend-api/codex/responses', async (_request, reply) => {
    if (options.status != null) {
      reply.writeHead(options.status, { 'content-type': 'application/json' });
      reply.end(JSON.stringify({ detail: 'Unauthorized' }));
      return;
    }
    const item = { id: 'msg_stub', type: 'message', role: 'assistant' };
    const event = (type: string, data: Record<string, unknown>) => ({ event: type, data: { type, ...data } });
    await writeSse({
      reply,
      events: [
        event('response.created', { response: { id: 'resp_stub', status: 'in_progress', output: [] } }),
        event('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } }),
        event('response.output_text.delta', {
          output_index: 0,
          item_id: 'msg_stub',
          content_index: 0,
          delta: STUB_REPLY,
        }),
        event('response.output_item.done', {
          output_index: 0,
          item: { ...item, status: 'completed', content: [{ type: 'output_text', text: STUB_REPLY, annotations: [] }] },
        }),
        event('response.completed', {
          response: {
            id: 'resp_stub',
            status: 'completed',
            output: [],
            usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 },
          },
        }),
      ],
    });
  });
  return startFakeServer({ name: 'codex-responses-stub', handler: router.handle });
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
