import { decodeJwt } from 'jose';
import type { FakeCodexTokenClaims } from './read-codex-token-claims.ts';
import { readCodexTokenClaims } from './read-codex-token-claims.ts';

export type DecodeCodexAccessTokenOptions = {
  token: string;
  /** Milliseconds since the epoch. */
  now: number;
};

/**
 * The fake's default check when no verifier is given: any well-formed, unexpired JWT with an account id, signature
 * unchecked — what every client does with these tokens (docs/codex-protocol.md §3). Use `verifyWithFakeOpenAiAuth` to
 * also prove where a token came from.
 */
export function decodeCodexAccessToken(
  options: DecodeCodexAccessTokenOptions,
): FakeCodexTokenClaims | 'expired' | null {
  let payload: ReturnType<typeof decodeJwt>;
  try {
    payload = decodeJwt(options.token);
  } catch {
    return null;
  }
  if (typeof payload.exp !== 'number') return null;
  if (payload.exp * 1000 <= options.now) return 'expired';
  return readCodexTokenClaims(payload);
}
