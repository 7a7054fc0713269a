import { defineConfig } from 'vitest/config';

// One run covers every workspace package; each package's own config names its project and test files.
export default defineConfig({
  test: {
    // packages/conformance is left out on purpose: it runs the real Codex CLI and has its own command. e2e/bench
    // holds only the benchmark's quick smoke test (the Playwright specs in e2e/ run with their own command).
    projects: ['apps/server', 'apps/web', 'packages/*', '!packages/conformance', 'e2e/bench'],
  },
});
