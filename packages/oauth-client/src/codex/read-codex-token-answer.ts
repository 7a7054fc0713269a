import { CodexOAuthError } from './codex-oauth-error.ts';

/** A 2xx answer of `/oauth/token` as the official client sees it: each field a non-empty string (or number), or absent. */
export type CodexTokenAnswer = {
  idToken: string | undefined;
  accessToken: string | undefined;
  refreshToken: string | undefined;
  expiresInSeconds: number | undefined;
};

/**
 * Reads a successful token answer the way the official client does: a JSON object whose tokens are strings, and
 * nothing else checked (docs/codex-protocol.md §2.2, §3, §4.2). Which fields are required is the caller's business:
 * all three tokens after a code exchange, only what is present after a refresh.
 *
 * Hand-written rather than oauth4webapi's `processAuthorizationCodeResponse` / `processRefreshTokenResponse`, whose
 * OIDC checks refuse answers the real server sends and the official client accepts: the id_token's `iss` is always
 * `https://auth.openai.com`, whatever URL we reach the server at (a proxy, a mirror, `GATEWAY_OPENAI_AUTH_URL`); no
 * client checks its `aud`; and `token_type` may be missing or spelt differently. Codex only decodes the claims, so
 * we do too (readCodexTokenClaims): the JWTs come straight from the token endpoint over TLS.
 */
export async function readCodexTokenAnswer(response: Response): Promise<CodexTokenAnswer> {
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch (error) {
    throw new CodexOAuthError({
      kind: 'protocol',
      status: response.status,
      message: 'auth.openai.com sent a token answer that is not JSON',
      cause: error,
    });
  }
  if (body == null || typeof body !== 'object' || Array.isArray(body)) {
    throw new CodexOAuthError({
      kind: 'protocol',
      status: response.status,
      message: 'auth.openai.com sent a token answer that is not a JSON object',
    });
  }
  const fields = body as Record<string, unknown>;
  return {
    idToken: nonEmptyString(fields.id_token),
    accessToken: nonEmptyString(fields.access_token),
    refreshToken: nonEmptyString(fields.refresh_token),
    expiresInSeconds: seconds(fields.expires_in),
  };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A lifetime is informational (the access token's own `exp` wins), so an odd one is ignored, never fatal. */
function seconds(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && number >= 0 ? number : undefined;
}
