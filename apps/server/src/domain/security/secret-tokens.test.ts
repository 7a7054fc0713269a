import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken, matchesTokenHash, safeEqual } from './secret-tokens.ts';

// Issue 22: tokens are hashed in one shot now. Stored API keys and sessions are looked up by these digests, so they
// must be exactly what a hash object gave.
describe('issue 22: secret tokens', () => {
  it('issue 22: hashes a token to the hex SHA-256 of its UTF-8 bytes, as stored keys were', () => {
    for (const token of [generateToken(), 'gwk_abc', 'ünïcode — 🙂', '']) {
      expect(hashToken(token)).toBe(createHash('sha256').update(token, 'utf8').digest('hex'));
    }
  });

  it('issue 22: compares strings by value, in constant time', () => {
    const token = generateToken();
    expect(safeEqual(token, `${token}`)).toBe(true);
    expect(safeEqual(token, `${token}x`)).toBe(false);
    expect(safeEqual(token, token.slice(1))).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('a', 'b')).toBe(false);
  });

  it('issue 22: tells a token from its stored hash with one hash, and no other token or malformed hash matches', () => {
    const token = generateToken();
    const stored = hashToken(token);
    expect(matchesTokenHash(token, stored)).toBe(true);
    expect(matchesTokenHash(`${token}x`, stored)).toBe(false);
    expect(matchesTokenHash(generateToken(), stored)).toBe(false);
    // Malformed stored values match nothing, and never throw.
    for (const malformed of ['', stored.slice(0, 63), `${stored}0`, `${stored.slice(0, 62)}zz`, stored.slice(0, 32)]) {
      expect(matchesTokenHash(token, malformed)).toBe(false);
    }
  });
});
