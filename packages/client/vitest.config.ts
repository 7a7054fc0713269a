import { defineConfig } from 'vitest/config';

// The React hooks' tests name their DOM (happy-dom) in a comment at the top; the rest run in plain Node.
export default defineConfig({ test: { name: 'client', include: ['src/**/*.test.{ts,tsx}'] } });
