import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { PROJECT_DIRS, TIMING_TESTS } from './vitest.config.ts';

const ROOT = new URL('./', import.meta.url);

/**
 * The tolerant job (`pnpm test:timing`, a step of `pnpm test:all`): the tests whose assertions are upper bounds on
 * wall time, and the benchmark's smoke test. Each gets two retries, so one slow moment on a shared machine does not
 * fail the run; a real regression fails all three tries.
 */
const RETRY = 2;

export default defineConfig({
  test: {
    projects: [
      // Inline, not extending the folders' configs: those include every `*.test.ts`, and an `include` given here
      // would be added to theirs, not replace it.
      ...PROJECT_DIRS.map((dir) => ({
        test: {
          name: `${basename(dir)}-timing`,
          root: fileURLToPath(new URL(dir, ROOT)),
          include: [TIMING_TESTS],
          exclude: configDefaults.exclude,
          retry: RETRY,
          // The server's tests start real gateways and fakes (its own config allows 20 s too).
          testTimeout: 30_000,
        },
      })),
      {
        extends: fileURLToPath(new URL('e2e/bench/vitest.config.ts', ROOT)),
        test: { name: 'bench', root: fileURLToPath(new URL('e2e/bench', ROOT)), retry: RETRY },
      },
    ],
  },
});
