import { createHash, randomBytes } from 'node:crypto';

/**
 * base64url(SHA-256(verifier)) without padding.
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export function computePkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}

/** @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1 (43–128 unreserved characters) */
export function isValidCodeVerifier(verifier: string): boolean {
  return /^[A-Za-z0-9._~-]{43,128}$/.test(verifier);
}

/** An S256 challenge is always 43 base64url characters. */
export function isValidS256Challenge(challenge: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(challenge);
}

/** A pair as the device flow hands out: Codex's own shape, 64 random bytes base64url (86 characters). */
export function generatePkcePair(): { codeVerifier: string; codeChallenge: string } {
  const codeVerifier = randomBytes(64).toString('base64url');
  return { codeVerifier, codeChallenge: computePkceChallenge(codeVerifier) };
}
