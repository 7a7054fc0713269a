import { beforeAll } from 'vitest';

// Runs before every test file of the server project (vitest.config.ts, setupFiles).

/**
 * scrypt's cost N for the users tests create (hash-password.ts): microseconds a hash, where the real 2^15 takes
 * 100 ms and more on a busy machine, twice for every user who signs in. The real cost is what hash-password.test.ts
 * checks; elsewhere it is CPU spent on nothing the test is about.
 */
const TEST_PASSWORD_HASH_COST = 2 ** 4;

// In a hook, not at the top: after the modules of the test file are loaded (vitest.setup.ts may have made them
// anew), so the setting reaches the instance the file's code uses.
beforeAll(async () => {
  const { setPasswordHashCostForTests } = await import('../domain/accounts/hash-password.ts');
  setPasswordHashCostForTests(TEST_PASSWORD_HASH_COST);
});
