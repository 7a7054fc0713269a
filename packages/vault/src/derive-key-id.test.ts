import { describe, expect, it } from 'vitest';
import { deriveKeyId } from './derive-key-id.ts';

describe('deriveKeyId', () => {
  it('should derive a stable id of k and 10 hex characters', () => {
    const key = Buffer.alloc(32, 7);

    expect(deriveKeyId(key)).toMatch(/^k[0-9a-f]{10}$/);
    expect(deriveKeyId(Buffer.from(key))).toBe(deriveKeyId(key));
    // Pinned: changing the derivation would make every stored ciphertext name a key id no keyring has.
    expect(deriveKeyId(key)).toBe('k5891ea1514');
  });

  it('should give different keys different ids', () => {
    expect(deriveKeyId(Buffer.alloc(32, 1))).not.toBe(deriveKeyId(Buffer.alloc(32, 2)));
  });

  it('should not be a prefix of the plain SHA-256 of the key', async () => {
    const { createHash } = await import('node:crypto');
    const key = Buffer.alloc(32, 7);

    expect(deriveKeyId(key).slice(1)).not.toBe(createHash('sha256').update(key).digest('hex').slice(0, 10));
  });

  it.each([
    ['a 31-byte key', Buffer.alloc(31), 'ERR_INVALID_ARG_VALUE', '"key" must be 32 bytes'],
    ['a 33-byte key', Buffer.alloc(33), 'ERR_INVALID_ARG_VALUE', '"key" must be 32 bytes'],
    ['a string', 'a'.repeat(32), 'ERR_INVALID_ARG_TYPE', '"key" must be a Buffer'],
  ])('should throw a coded TypeError for %s', (_name, key, code, message) => {
    expect(() => deriveKeyId(key as Buffer)).toThrow(expect.objectContaining({ name: 'TypeError', code, message }));
  });
});
