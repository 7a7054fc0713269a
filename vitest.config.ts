import { existsSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';

const ROOT = new URL('./', import.meta.url);

/**
 * Tests whose assertions are upper bounds on wall time (a restart answers in under 2 s, a timeout fires within its
 * margin): a loaded machine can miss them, so they run in `vitest.timing.config.ts`, with retries, and never here.
 */
export const TIMING_TESTS = '**/*.timing.test.ts';

/**
 * Tests of several gateway processes on one PostgreSQL (docs/postgres.md §6): they run only where a PostgreSQL
 * server is given (`GATEWAY_TEST_POSTGRES_URL`, set by test-all.mjs for the server's second run).
 */
export const POSTGRES_ONLY_TESTS = '**/*.postgres.test.ts';
const hasPostgres = (process.env.GATEWAY_TEST_POSTGRES_URL ?? '') !== '';

/**
 * Left out of the PostgreSQL run: suites about processes, sockets and input at the network edge, which do the same
 * whatever the database (the SQLite run has them) and are the slowest (a kill -9 matrix, a fuzzer, process starts).
 * What replicas and crashes do on PostgreSQL is replicas.postgres.test.ts's subject.
 */
export const POSTGRES_RUN_SKIPS = [
  '**/src/test/crash-restart-matrix.test.ts',
  '**/src/test/refresh-crash-recovery.test.ts',
  // SQLite to SQLite by design; SQLite to PostgreSQL and back is db-copy.postgres.test.ts.
  '**/src/test/db-copy.test.ts',
  '**/src/test/server-process.test.ts',
  '**/src/test/server-startup.test.ts',
  '**/src/test/json-routes.fuzz.test.ts',
  '**/src/test/slow-reader-backpressure.test.ts',
  '**/src/test/upstream-faults.test.ts',
  '**/src/test/client-package.test.ts',
  '**/src/test/unsupported-node.test.ts',
  // The server build and which of build or sources a start runs: files and processes on SQLite.
  '**/src/build/build-server.test.ts',
  '**/src/test/check-server-build.test.ts',
  '**/src/plugins/{sse,pipe-event-stream,security-headers,tracing}.test.ts',
];

/**
 * The folders `pnpm test` covers, each a vitest project named after its folder. packages/conformance is left out
 * on purpose: it runs the real Codex CLI and has its own command. So is e2e/bench, the benchmark's smoke test (a
 * timing job); the Playwright specs in e2e/ run with their own command.
 */
export const PROJECT_DIRS: readonly string[] = [
  'apps/server',
  'apps/web',
  'apps/notes-example',
  ...readdirSync(new URL('packages/', ROOT), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'conformance')
    .map((entry) => `packages/${entry.name}`),
];

/** The folder's own vitest (or vite) config, whose settings and test files the project keeps. */
export function projectConfigOf(dir: string): string | undefined {
  return ['vitest.config.ts', 'vite.config.ts']
    .map((name) => fileURLToPath(new URL(`${dir}/${name}`, ROOT)))
    .find((file) => existsSync(file));
}

/**
 * Test files run this many at a time. Vitest's default, one less than the cores, is a single worker on the 2-core CI
 * machine, and most of a file's time is spent waiting (on fakes, timers, child processes): the server's files used
 * the CPU a third of their wall time one at a time.
 */
const MAX_WORKERS = Math.max(2, availableParallelism());

/**
 * The files of a project share their worker and its modules (`isolate: false`) instead of a new process each that
 * imports everything again: re-importing the app was a third of the server's run, starting a process ~0.3 s of
 * every package file. vitest.setup.ts gives a file that mocks modules a module graph of its own.
 */
const SHARED_MODULES = { isolate: false, setupFiles: [fileURLToPath(new URL('vitest.setup.ts', ROOT))] };

// Each project extends its folder's config; only the exclusion of the timing tests and the sharing of workers are
// added here, in one place.
export default defineConfig({
  test: {
    projects: PROJECT_DIRS.map((dir) => {
      const config = projectConfigOf(dir);
      return {
        ...(config == null ? {} : { extends: config }),
        test: {
          name: basename(dir),
          root: fileURLToPath(new URL(dir, ROOT)),
          ...SHARED_MODULES,
          // Per project: a project's own value (vitest's default, unless given here) is the one its files run by.
          maxWorkers: MAX_WORKERS,
          exclude: [
            ...configDefaults.exclude,
            TIMING_TESTS,
            ...(hasPostgres ? POSTGRES_RUN_SKIPS : [POSTGRES_ONLY_TESTS]),
          ],
        },
      };
    }),
  },
});
