import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts'],
    // Password hashing (scrypt) is deliberately slow; a few tests hash dozens of times.
    testTimeout: 20_000,
    // Hooks start real gateways and fakes as tests do, on a machine that may be running other test files meanwhile.
    hookTimeout: 20_000,
    setupFiles: ['src/test/test-file-setup.ts'],
  },
});
