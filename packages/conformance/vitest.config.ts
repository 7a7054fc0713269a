import { defineConfig } from 'vitest/config';

// Opt-in conformance suite: runs the official Codex CLI binary (npm @openai/codex, ~400 MB, so it lives in its own
// package that nothing else depends on) against the testkit fakes. Not one of the root vitest projects;
// `pnpm test:all` and CI run it with `pnpm --filter @pag/conformance test`.
export default defineConfig({
  test: {
    name: 'conformance',
    include: ['src/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 30_000,
    // One CLI at a time: parallel native processes would only add noise.
    fileParallelism: false,
  },
});
