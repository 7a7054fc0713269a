import type { JWK } from 'jose';
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { OPENAI_CODEX_CLIENT_ID, OPENAI_ISSUER } from '../openai-auth/openai-auth-constants.ts';
import type { FakeCodexAccessTokenVerifier } from './authorize-codex-request.ts';
import { readCodexTokenClaims } from './authorize-codex-request.ts';

/**
 * Accepts exactly the unexpired access tokens a fake auth.openai.com issued (RS256 against its JWKS, its issuer, the
 * Codex client as audience). Give it the started fake, or the URL of one running elsewhere (JWKS fetched from it).
 */
export function verifyWithFakeOpenAiAuth(fakeAuth: {
  url: string;
  issuer?: string;
  jwks?: { keys: JWK[] };
}): FakeCodexAccessTokenVerifier {
  const keySet =
    fakeAuth.jwks == null
      ? createRemoteJWKSet(new URL(`${fakeAuth.url}/.well-known/jwks.json`))
      : createLocalJWKSet(fakeAuth.jwks);
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, keySet, {
        // Every fake signs the real issuer by default, whatever URL it listens on (as the real server does behind a
        // proxy); each fake has its own key id, so the signature still tells one fake's tokens from another's.
        issuer: fakeAuth.issuer ?? [OPENAI_ISSUER, fakeAuth.url],
        audience: OPENAI_CODEX_CLIENT_ID,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
      });
      return readCodexTokenClaims(payload);
    } catch (error) {
      return error instanceof errors.JWTExpired ? 'expired' : null;
    }
  };
}
