import type { JWTPayload } from 'jose';
// The one function used, from its own entry point: jose's main one loads all of JOSE (46 modules) at start (issue 22).
import { decodeJwt } from 'jose/jwt/decode';
import { CodexOAuthError } from './codex-oauth-error.ts';

/** What the gateway stores about a ChatGPT account, read once from the tokens at sign-in and at each refresh. */
export type CodexTokenClaims = {
  /** The ChatGPT account/workspace UUID sent as `chatgpt-account-id`; never an `org-…` id. */
  accountId: string;
  planType: string | null;
  email: string | null;
  chatgptUserId: string | null;
  /** When the access token expires (its JWT `exp`), or null if it carries none. */
  accessTokenExpiresAt: Date | null;
};

const AUTH_CLAIM = 'https://api.openai.com/auth';
const PROFILE_CLAIM = 'https://api.openai.com/profile';

type AuthClaim = {
  chatgpt_account_id?: unknown;
  chatgpt_plan_type?: unknown;
  chatgpt_user_id?: unknown;
  user_id?: unknown;
};

/**
 * Reads the account claims. Nobody verifies these JWTs' signatures (they came straight from the token endpoint
 * over TLS); we only decode them. The account data sits in the `https://api.openai.com/auth` claim, read from the
 * id_token first and the access token as a fallback, since either may lack it (docs/codex-protocol.md §3).
 */
export function readCodexTokenClaims(tokens: { idToken: string; accessToken: string }): CodexTokenClaims {
  const idToken = decode(tokens.idToken, 'id_token');
  const accessToken = decode(tokens.accessToken, 'access_token');
  const idAuth = (idToken[AUTH_CLAIM] ?? {}) as AuthClaim;
  const accessAuth = (accessToken[AUTH_CLAIM] ?? {}) as AuthClaim;
  const accountId = text(idAuth.chatgpt_account_id) ?? text(accessAuth.chatgpt_account_id);
  if (accountId == null) {
    throw new CodexOAuthError({ kind: 'protocol', message: 'the tokens carry no ChatGPT account id' });
  }
  const profile = (idToken[PROFILE_CLAIM] ?? {}) as { email?: unknown };
  return {
    accountId,
    planType: text(idAuth.chatgpt_plan_type) ?? text(accessAuth.chatgpt_plan_type),
    email: text(idToken.email) ?? text(profile.email) ?? text(accessToken.email),
    chatgptUserId:
      text(idAuth.chatgpt_user_id) ??
      text(idAuth.user_id) ??
      text(accessAuth.chatgpt_user_id) ??
      text(accessAuth.user_id),
    accessTokenExpiresAt: toDate(accessToken.exp),
  };
}

function decode(token: string, name: string): JWTPayload {
  try {
    return decodeJwt(token);
  } catch (error) {
    throw new CodexOAuthError({ kind: 'protocol', message: `the ${name} is not a readable JWT`, cause: error });
  }
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

/** A JWT `exp` as a Date; one outside what a Date can hold (`1e400` parses to Infinity) is treated as absent. */
function toDate(seconds: unknown): Date | null {
  if (typeof seconds !== 'number') return null;
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? null : date;
}
