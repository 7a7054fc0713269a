import type { IncomingHttpHeaders } from 'node:http';
import type { CodexErrorAnswer } from './build-codex-error-answer.ts';
import { TOKEN_EXPIRED_MESSAGE, TOKEN_INVALIDATED_MESSAGE } from './codex-backend-constants.ts';
import { openAiErrorBody } from './codex-error-body.ts';
import type { FakeCodexAccessTokenVerifier, FakeCodexTokenClaims } from './read-codex-token-claims.ts';

/** A scripted 401 for a token (or any token) that the verifier would accept, e.g. to test refresh-and-retry. */
export type FakeCodexTokenRejection = { token: string | undefined; remaining: number };

export type AuthorizeCodexRequestOptions = {
  headers: IncomingHttpHeaders;
  verifyAccessToken: FakeCodexAccessTokenVerifier;
  /** Consumed in order; the first matching entry answers 401 and counts down. */
  rejections: FakeCodexTokenRejection[];
};

export type CodexAuthorization =
  | { ok: true; claims: FakeCodexTokenClaims; token: string }
  | { ok: false; answer: CodexErrorAnswer };

/**
 * Bearer token first, then the `chatgpt-account-id` header against the token's account (docs/codex-protocol.md §8.2
 * item 1). A bad token is a 401, which makes Codex reload and refresh; a wrong account is a 403, which no refresh can
 * fix. The 401 texts are the real ones; the 403 text is the fake's own (the real one is unverified).
 */
export async function authorizeCodexRequest(options: AuthorizeCodexRequestOptions): Promise<CodexAuthorization> {
  const { headers } = options;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  const token = match?.[1];
  if (token == null) {
    return deny(401, {
      message: 'Missing bearer or basic authentication in header',
      type: 'invalid_request_error',
      code: null,
    });
  }
  const rejectionIndex = options.rejections.findIndex((entry) => entry.token == null || entry.token === token);
  const rejection = options.rejections[rejectionIndex];
  if (rejection != null) {
    rejection.remaining -= 1;
    if (rejection.remaining <= 0) options.rejections.splice(rejectionIndex, 1);
    return deny(401, { message: TOKEN_INVALIDATED_MESSAGE, type: 'invalid_request_error', code: 'token_invalidated' });
  }
  const claims = await options.verifyAccessToken(token);
  if (claims === 'expired') {
    return deny(401, { message: TOKEN_EXPIRED_MESSAGE, type: 'invalid_request_error', code: 'token_expired' });
  }
  if (claims == null) {
    return deny(401, { message: TOKEN_INVALIDATED_MESSAGE, type: 'invalid_request_error', code: 'token_invalidated' });
  }
  // Node lowercases header names, so `ChatGPT-Account-ID` (Codex) and `chatgpt-account-id` (proxies) both land here.
  const accountHeader = headers['chatgpt-account-id'];
  if (typeof accountHeader !== 'string' || accountHeader === '') {
    return deny(403, { message: 'Missing chatgpt-account-id header.', type: 'invalid_request_error', code: null });
  }
  if (accountHeader !== claims.accountId) {
    return deny(403, {
      message: 'The chatgpt-account-id header does not match the account of the access token.',
      type: 'invalid_request_error',
      code: 'account_mismatch',
    });
  }
  return { ok: true, claims, token };
}

function deny(status: number, error: { message: string; type: string; code: string | null }): CodexAuthorization {
  return { ok: false, answer: { status, headers: {}, body: openAiErrorBody(error) } };
}
