import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random token with `bytes` bytes of entropy. */
export function generateToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 of a high-entropy token, hex. Session ids and API keys are stored only as this: they are random 256-bit
 * values, so a fast hash is enough (a slow password hash would only add latency to every request).
 *
 * Node's one-shot `hash` (a string is hashed as UTF-8), the same digest as a `createHash` object's: every API
 * request hashes its key here and twice more in `safeEqual`, and building a hash object for each cost a few µs of
 * every request (issue 22 profile).
 */
export function hashToken(token: string): string {
  return hash('sha256', token, 'hex');
}

/**
 * Whether `token` is the one `storedHash` (a {@link hashToken} digest) was made from, compared in constant time: the
 * presented token is hashed once and the two 32-byte digests compared. `safeEqual` on the hex text would hash both
 * sides again, three hashes on every API request where one does (issue 22 measure: 10 µs). A stored hash that is not
 * 64 hex digits matches nothing.
 */
export function matchesTokenHash(token: string, storedHash: string): boolean {
  const stored = Buffer.from(storedHash, 'hex');
  const presented = hash('sha256', token, 'buffer');
  return stored.length === presented.length && storedHash.length === 64 && timingSafeEqual(stored, presented);
}

/** Constant-time equality of two strings; false for different lengths without leaking where they differ. */
export function safeEqual(left: string, right: string): boolean {
  const a = hash('sha256', left, 'buffer');
  const b = hash('sha256', right, 'buffer');
  // Hashing first makes both buffers 32 bytes, so timingSafeEqual never throws and length is not leaked.
  return timingSafeEqual(a, b) && left.length === right.length;
}
