import type { JWTPayload } from 'jose';
// The one function used, from its own entry point: jose's main one loads all of JOSE (46 modules) at start (issue 22).
import { decodeJwt } from 'jose/jwt/decode';
import { GoogleOAuthError } from './google-oauth-error.ts';

/** What the gateway stores about a Google account, read from the id_token at sign-in. */
export type GoogleIdTokenClaims = {
  /** Google's stable account id: key the connection on this, not on the email, which can change. */
  sub: string;
  /** Present with the `email` scope. */
  email: string | null;
  isEmailVerified: boolean;
  /** Present with the `profile` scope. */
  name: string | null;
  picture: string | null;
};

/**
 * Reads the account claims. The signature is not verified here: the id_token came straight from Google's token
 * endpoint over TLS, and oauth4webapi has already checked its `iss`, `aud`, `exp` and `iat` during the exchange
 * (OpenID Connect Core §3.1.3.7 allows skipping the signature for tokens received directly from the token endpoint).
 */
export function readGoogleIdTokenClaims(idToken: string): GoogleIdTokenClaims {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(idToken);
  } catch (error) {
    throw new GoogleOAuthError({
      kind: 'protocol',
      step: 'token_exchange',
      message: 'the id_token is not a readable JWT',
      cause: error,
    });
  }
  const sub = text(claims.sub);
  if (sub == null) {
    throw new GoogleOAuthError({ kind: 'protocol', step: 'token_exchange', message: 'the id_token has no sub' });
  }
  return {
    sub,
    email: text(claims.email),
    // Google sent this as the string "true" in older tokens.
    isEmailVerified: claims.email_verified === true || claims.email_verified === 'true',
    name: text(claims.name),
    picture: text(claims.picture),
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
