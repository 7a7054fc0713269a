import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'server',
    include: ['src/**/*.test.ts'],
    // Password hashing (scrypt) is deliberately slow; a few tests hash dozens of times.
    testTimeout: 20_000,
  },
});
