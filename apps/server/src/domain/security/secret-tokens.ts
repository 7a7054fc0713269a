import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random token with `bytes` bytes of entropy. */
export function generateToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 of a high-entropy token, hex. Session ids and API keys are stored only as this: they are random 256-bit
 * values, so a fast hash is enough (a slow password hash would only add latency to every request).
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** Constant-time equality of two strings; false for different lengths without leaking where they differ. */
export function safeEqual(left: string, right: string): boolean {
  const a = createHash('sha256').update(left, 'utf8').digest();
  const b = createHash('sha256').update(right, 'utf8').digest();
  // Hashing first makes both buffers 32 bytes, so timingSafeEqual never throws and length is not leaked.
  return timingSafeEqual(a, b) && left.length === right.length;
}
