import type { IncomingHttpHeaders } from 'node:http';
import type { JWTPayload } from 'jose';
import { decodeJwt } from 'jose';
import { AUTH_CLAIM, PROFILE_CLAIM } from '../openai-auth/openai-auth-constants.ts';
import type { CodexErrorAnswer } from './build-codex-error-answer.ts';
import { openAiErrorBody, TOKEN_INVALIDATED_BODY } from './build-codex-error-answer.ts';

/** A scripted 401 for a token (or any token) that the verifier would accept, e.g. to test refresh-and-retry. */
export type FakeCodexTokenRejection = { token: string | undefined; remaining: number };

const TOKEN_EXPIRED_BODY = openAiErrorBody({
  message: 'Provided authentication token is expired. Please try signing in again.',
  code: 'token_expired',
});

/**
 * Bearer token, then `chatgpt-account-id` against its account (docs/codex-protocol.md §8.2 item 1): a bad token is a
 * 401 (real texts; Codex refreshes), a wrong account a 403 (the fake's text). The first matching rejection counts down.
 */
export async function authorizeCodexRequest(options: {
  headers: IncomingHttpHeaders;
  verifyAccessToken: FakeCodexAccessTokenVerifier;
  rejections: FakeCodexTokenRejection[];
}): Promise<{ claims: FakeCodexTokenClaims } | { answer: CodexErrorAnswer }> {
  const { headers, rejections } = options;
  const deny = (status: number, body: unknown) => ({ answer: { status, headers: {}, body } });
  const token = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
  if (token == null) {
    return deny(401, openAiErrorBody({ message: 'Missing bearer or basic authentication in header', code: null }));
  }
  const rejectionIndex = rejections.findIndex((entry) => entry.token == null || entry.token === token);
  const rejection = rejections[rejectionIndex];
  if (rejection != null) {
    rejection.remaining -= 1;
    if (rejection.remaining <= 0) rejections.splice(rejectionIndex, 1);
    return deny(401, TOKEN_INVALIDATED_BODY);
  }
  const claims = await options.verifyAccessToken(token);
  if (claims === 'expired') return deny(401, TOKEN_EXPIRED_BODY);
  if (claims == null) return deny(401, TOKEN_INVALIDATED_BODY);
  // Node lowercases header names, so `ChatGPT-Account-ID` (Codex) and `chatgpt-account-id` (proxies) both land here.
  const accountHeader = headers['chatgpt-account-id'];
  if (typeof accountHeader !== 'string' || accountHeader === '') {
    return deny(403, openAiErrorBody({ message: 'Missing chatgpt-account-id header.', code: null }));
  }
  if (accountHeader !== claims.accountId) {
    return deny(
      403,
      openAiErrorBody({
        message: 'The chatgpt-account-id header does not match the account of the access token.',
        code: 'account_mismatch',
      }),
    );
  }
  return { claims };
}

/** What the backend needs from an access token; `accountId` must equal the `chatgpt-account-id` header. */
export type FakeCodexTokenClaims = { accountId: string; planType?: string; email?: string; userId?: string };

/** Decides whether a bearer token is good; `'expired'` and `null` both give a 401, with different codes. */
export type FakeCodexAccessTokenVerifier = (
  token: string,
) => FakeCodexTokenClaims | 'expired' | null | Promise<FakeCodexTokenClaims | 'expired' | null>;

/** The account data of docs/codex-protocol.md §3 from a JWT payload; null when the account id is missing. */
export function readCodexTokenClaims(payload: JWTPayload): FakeCodexTokenClaims | null {
  const auth = (payload[AUTH_CLAIM] ?? {}) as Record<string, unknown>;
  const profile = (payload[PROFILE_CLAIM] ?? {}) as Record<string, unknown>;
  const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
  const accountId = text(auth.chatgpt_account_id);
  if (accountId == null) return null;
  const email = text(payload.email) ?? text(profile.email);
  return { accountId, planType: text(auth.chatgpt_plan_type), email, userId: text(auth.chatgpt_user_id) };
}

/** The default verifier: any unexpired JWT with an account id, signature unchecked, as clients read them (§3). */
export function decodeCodexAccessToken(token: string, now: number): FakeCodexTokenClaims | 'expired' | null {
  try {
    const payload = decodeJwt(token);
    if (typeof payload.exp !== 'number') return null;
    return payload.exp * 1000 <= now ? 'expired' : readCodexTokenClaims(payload);
  } catch {
    return null;
  }
}
