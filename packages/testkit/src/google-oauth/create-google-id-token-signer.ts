import { createHash } from 'node:crypto';
import type { JWK } from 'jose';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { FakeGoogleAccount } from './fake-google-account.ts';
import { USERINFO_EMAIL_SCOPE, USERINFO_PROFILE_SCOPE } from './google-oauth-constants.ts';

/** Google's id_tokens live one hour. */
const ID_TOKEN_TTL_SECONDS = 3600;

export type SignGoogleIdTokenOptions = {
  issuer: string;
  clientId: string;
  account: FakeGoogleAccount;
  /** Granted scopes: email claims need the email scope, profile claims the profile scope. */
  scopes: readonly string[];
  accessToken: string;
  /** Seconds since the epoch. */
  issuedAt: number;
};

export type GoogleIdTokenSigner = {
  sign(options: SignGoogleIdTokenOptions): Promise<string>;
  /** The public signing key as a JWK Set, as served at `/oauth2/v3/certs`. */
  readonly jwks: { keys: JWK[] };
};

// RSA key generation takes ~300 ms and a suite starts many fakes; one key per process is enough because each fake
// has its own clients, so a token of one fake never passes another's checks.
let sharedKeyPair: ReturnType<typeof generateKeyPair> | undefined;

/** Signs id_tokens (RS256) with the claim layout Google uses: `iss`, `azp`, `aud`, `sub`, `at_hash`, email, profile. */
export async function createGoogleIdTokenSigner(): Promise<GoogleIdTokenSigner> {
  sharedKeyPair ??= generateKeyPair('RS256', { extractable: true });
  const { privateKey, publicKey } = await sharedKeyPair;
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    jwks: { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] },
    sign(options) {
      const { account, scopes } = options;
      const payload: Record<string, unknown> = {
        azp: options.clientId,
        sub: account.sub,
        at_hash: computeAtHash(options.accessToken),
      };
      if (scopes.includes(USERINFO_EMAIL_SCOPE)) {
        payload.email = account.email;
        payload.email_verified = account.isEmailVerified;
      }
      if (scopes.includes(USERINFO_PROFILE_SCOPE)) {
        payload.name = account.name;
        payload.picture = account.picture;
        payload.given_name = account.givenName;
        payload.family_name = account.familyName;
      }
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
        .setIssuer(options.issuer)
        .setAudience(options.clientId)
        .setIssuedAt(options.issuedAt)
        .setExpirationTime(options.issuedAt + ID_TOKEN_TTL_SECONDS)
        .sign(privateKey);
    },
  };
}

/** @see https://openid.net/specs/openid-connect-core-1_0.html#CodeIDToken (left half of SHA-256, base64url) */
function computeAtHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest().subarray(0, 16).toString('base64url');
}
