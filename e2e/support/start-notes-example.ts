import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { join } from 'node:path';
import { findFreeLoopbackPort } from '@pag/testkit';
import { REPO_ROOT } from './paths.ts';

const EXAMPLE_DIR = join(REPO_ROOT, 'apps', 'notes-example');
const VITE = join(EXAMPLE_DIR, 'node_modules', 'vite', 'bin', 'vite.js');
const STARTUP_TIMEOUT_MS = 30_000;
const BUILD_TIMEOUT_MS = 180_000;
const POLL_INTERVAL_MS = 200;

/** The built example app (`pnpm --filter @pag/notes-example build`, which `pnpm test:all` runs before the specs). */
export const NOTES_EXAMPLE_DIST_INDEX = join(EXAMPLE_DIR, 'dist', 'index.html');

export type NotesExampleProcess = {
  /** `http://127.0.0.1:<port>`: the app's origin, which the gateway sees as the connected app's origin. */
  url: string;
  stop(): Promise<void>;
};

/**
 * Serves the built example note app with its own `preview` (Vite's static server, with the single-page fallback
 * its `/connected` redirect page needs) on a free loopback port. Builds it first when a spec runs on its own and
 * nothing built it yet.
 */
export async function startNotesExample(options: { logFile: string }): Promise<NotesExampleProcess> {
  if (!existsSync(NOTES_EXAMPLE_DIST_INDEX)) {
    const build = spawnSync(process.execPath, [VITE, 'build'], {
      cwd: EXAMPLE_DIR,
      encoding: 'utf8',
      timeout: BUILD_TIMEOUT_MS,
    });
    if (build.status !== 0) {
      throw new Error(`Building apps/notes-example failed (exit ${build.status}):\n${build.stdout}\n${build.stderr}`);
    }
  }
  const port = await findFreeLoopbackPort();
  const url = `http://127.0.0.1:${port}`;
  const log = createWriteStream(options.logFile);
  const server = spawn(
    process.execPath,
    [VITE, 'preview', '--host', '127.0.0.1', '--port', String(port), '--strictPort'],
    {
      cwd: EXAMPLE_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server.stdout?.pipe(log, { end: false });
  server.stderr?.pipe(log, { end: false });

  const stop = async () => {
    if (server.exitCode == null && server.signalCode == null) {
      const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
      server.kill('SIGTERM');
      await exited;
    }
    await new Promise<void>((resolve) => log.end(resolve));
  };

  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.exitCode != null) break;
    try {
      const response = await fetch(`${url}/settings`, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200 && (await response.text()).includes('id="root"')) return { url, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
  await stop();
  throw new Error(
    `The example app did not start at ${url} within ${STARTUP_TIMEOUT_MS / 1000} s (see ${options.logFile}).`,
  );
}
