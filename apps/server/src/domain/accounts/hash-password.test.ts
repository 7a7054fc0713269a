import { beforeAll, describe, expect, it } from 'vitest';
import {
  dummyPasswordHash,
  hashPassword,
  PASSWORD_HASH_COST,
  setPasswordHashCostForTests,
  verifyPassword,
} from './hash-password.ts';

// The test setup lowers the cost before every file (src/test/test-file-setup.ts); here the real one is checked.
beforeAll(() => {
  setPasswordHashCostForTests(PASSWORD_HASH_COST);
});

describe('hashPassword', () => {
  it('should produce a salted scrypt hash that verifies only the right password', async () => {
    const first = await hashPassword('a long enough password');
    const second = await hashPassword('a long enough password');
    expect(first).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    expect(first).not.toBe(second);
    expect(await verifyPassword('a long enough password', first)).toBe(true);
    expect(await verifyPassword('a long enough passworD', first)).toBe(false);
  });

  it('should not truncate long passwords (unlike bcrypt at 72 bytes)', async () => {
    const base = 'x'.repeat(100);
    const hash = await hashPassword(`${base}a`);
    expect(await verifyPassword(`${base}b`, hash)).toBe(false);
  });

  it.each(['', 'plain', 'bcrypt$1$2$3$4$5', 'scrypt$32768$8$1$c2FsdA$c2hvcnQ'])(
    'should never match a malformed stored hash %j',
    async (stored) => {
      expect(await verifyPassword('anything at all', stored)).toBe(false);
    },
  );

  it('should verify a hash at the cost it names, whatever the cost of new hashes', async () => {
    setPasswordHashCostForTests(2 ** 4);
    const cheap = await hashPassword('a long enough password');
    setPasswordHashCostForTests(PASSWORD_HASH_COST);
    expect(cheap).toMatch(/^scrypt\$16\$8\$1\$/);
    expect(await verifyPassword('a long enough password', cheap)).toBe(true);
    expect(await verifyPassword('a long enough passworD', cheap)).toBe(false);
  });
});

describe('dummyPasswordHash (verified against for an unknown email)', () => {
  it('should name the current cost, so that verifying it costs what a real hash does, and match no password', async () => {
    const dummy = dummyPasswordHash();
    expect(dummy).toMatch(/^scrypt\$32768\$8\$1\$[\w-]{22}\$[\w-]{86}$/);
    for (const password of ['', 'a long enough password', 'correct horse battery staple']) {
      expect(await verifyPassword(password, dummy)).toBe(false);
    }
  });
});
