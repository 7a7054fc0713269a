import { defineConfig } from 'vitest/config';

// Conformance suite: the official Codex CLI binary (npm @openai/codex, ~400 MB, so it lives in its own package that
// nothing else depends on) against the testkit fakes, the official Claude Code CLI (npm @anthropic-ai/claude-code,
// as large, docs/claude-code.md) through the gateway, and the official MCP conformance suite against the gateway's
// OAuth server. Not one of the root vitest projects; `pnpm test:all` (CI) runs it from the repository root with
// `--root packages/conformance`.
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
