import type { JWTPayload } from 'jose';
import { decodeJwt } from 'jose';
import { AUTH_CLAIM, PROFILE_CLAIM } from '../openai-auth/openai-auth-constants.ts';

/** What the backend needs from an access token. */
export type FakeCodexTokenClaims = {
  /** `chatgpt_account_id`: must equal the request's `chatgpt-account-id` header. */
  accountId: string;
  planType?: string;
  email?: string;
  userId?: string;
};

/**
 * Decides whether a bearer token is good. `'expired'` and `null` both give 401; they differ only in the message
 * (`token_expired` vs `token_invalidated`), which is all a client can see of the difference.
 */
export type FakeCodexAccessTokenVerifier = (
  token: string,
) => FakeCodexTokenClaims | 'expired' | null | Promise<FakeCodexTokenClaims | 'expired' | null>;

/** The account data of docs/codex-protocol.md §3 from a JWT payload; null when the account id is missing. */
export function readCodexTokenClaims(payload: JWTPayload): FakeCodexTokenClaims | null {
  const auth = payload[AUTH_CLAIM];
  if (auth == null || typeof auth !== 'object') return null;
  const {
    chatgpt_account_id: accountId,
    chatgpt_plan_type: planType,
    chatgpt_user_id: userId,
  } = auth as Record<string, unknown>;
  if (typeof accountId !== 'string' || accountId === '') return null;
  const profile = payload[PROFILE_CLAIM] as Record<string, unknown> | undefined;
  const email = typeof payload.email === 'string' ? payload.email : profile?.email;
  return {
    accountId,
    ...(typeof planType === 'string' ? { planType } : {}),
    ...(typeof email === 'string' ? { email } : {}),
    ...(typeof userId === 'string' ? { userId } : {}),
  };
}

/**
 * The fake's default verifier: any well-formed, unexpired JWT with an account id, signature unchecked — what every
 * client does with these tokens (§3). `verifyWithFakeOpenAiAuth` also proves where a token came from.
 */
export function decodeCodexAccessToken(token: string, now: number): FakeCodexTokenClaims | 'expired' | null {
  let payload: JWTPayload;
  try {
    payload = decodeJwt(token);
  } catch {
    return null;
  }
  if (typeof payload.exp !== 'number') return null;
  return payload.exp * 1000 <= now ? 'expired' : readCodexTokenClaims(payload);
}
