import { describe, expect, it } from 'vitest';
import { DUMMY_PASSWORD_HASH, hashPassword, verifyPassword } from './hash-password.ts';

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

  it('issue 22: an unknown email is checked against a hash shaped like a real one (a full scrypt run)', async () => {
    const real = await hashPassword('a long enough password');
    // Same parameters, same part lengths: verifyPassword derives a key with the same cost instead of refusing early.
    expect(DUMMY_PASSWORD_HASH.split('$').map((part, index) => (index < 4 ? part : part.length))).toEqual(
      real.split('$').map((part, index) => (index < 4 ? part : part.length)),
    );
    expect(await verifyPassword('a long enough password', DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword('', DUMMY_PASSWORD_HASH)).toBe(false);
  });
});
