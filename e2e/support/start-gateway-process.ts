import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreeLoopbackPort } from '@pag/testkit';
import { REPO_ROOT } from './paths.ts';

const STARTUP_TIMEOUT_MS = 30_000;
const POLL_INTERVAL_MS = 200;
const SHUTDOWN_GRACE_MS = 5_000;
const SETUP_LINK_PATTERN = /\/setup#token=([A-Za-z0-9_-]+)/;

export type GatewayProcess = {
  /** `http://127.0.0.1:<port>`. */
  baseUrl: string;
  /** The one-time setup token from the setup link the server printed. */
  setupToken: string;
  /** The server's data directory (its SQLite file is `gateway.db` there), for specs that seed stored state. */
  dataDir: string;
  /** Stops the server (SIGTERM, then SIGKILL after a grace period) and deletes its data directory. */
  stop(): Promise<void>;
};

/**
 * Starts the server's real entry (as `pnpm start` and the image run it; Node strips the types itself) on a free
 * loopback port with an empty data directory, and waits until it is healthy and has printed its setup link. The
 * output goes to `logFile`; a failed start throws with its last lines.
 */
export async function startGatewayProcess(options: {
  environment: Record<string, string>;
  logFile: string;
  /** A port found beforehand, when the base URL had to be known first (an OAuth client registered for it). */
  port?: number;
}): Promise<GatewayProcess> {
  const port = options.port ?? (await findFreeLoopbackPort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'pag-e2e-'));
  const log = createWriteStream(options.logFile);
  const server = spawn(process.execPath, ['apps/server/bin/gateway-server.mjs'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      GATEWAY_HOST: '127.0.0.1',
      GATEWAY_PORT: String(port),
      GATEWAY_PUBLIC_URL: baseUrl,
      GATEWAY_DATA_DIR: dataDir,
      GATEWAY_LOG_LEVEL: 'info',
      ...options.environment,
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

  const stop = async () => {
    if (server.exitCode == null && server.signalCode == null) {
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
    await new Promise<void>((resolve) => log.end(resolve));
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (server.exitCode != null || server.signalCode != null) {
        throw new Error(`The server exited during startup (code ${server.exitCode}, signal ${server.signalCode}).`);
      }
      const setupToken = SETUP_LINK_PATTERN.exec(output)?.[1];
      if (setupToken != null && (await isHealthy(baseUrl))) return { baseUrl, setupToken, dataDir, stop };
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
    throw new Error(
      `The server at ${baseUrl} did not become healthy and print its setup link within ${STARTUP_TIMEOUT_MS / 1000} s.`,
    );
  } catch (error) {
    await stop();
    const logText = await readFile(options.logFile, 'utf8').catch(() => '');
    throw new Error(
      `${(error as Error).message}\nServer log (${options.logFile}), last lines:\n${logText.split('\n').slice(-30).join('\n')}`,
    );
  }
}

async function isHealthy(baseUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return response.status === 200;
  } catch {
    return false;
  }
}
