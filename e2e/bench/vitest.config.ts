import { defineConfig } from 'vitest/config';

// Only the smoke test of the bench harness (`--quick`) and its pure helpers' tests; the full benchmark never runs
// under vitest or in CI.
export default defineConfig({
  test: { name: 'bench', include: ['*.test.ts', 'support/*.test.ts'], testTimeout: 90_000 },
});
