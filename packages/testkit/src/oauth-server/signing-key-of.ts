import type { KeyObject } from 'node:crypto';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import type { JWK, JWTPayload } from 'jose';
import { SignJWT } from 'jose';

export type SigningKey = {
  /** The public key as a JWK Set, as the server publishes it. */
  readonly jwks: { keys: JWK[] };
  /** An RS256 JWT: `payload` plus these registered claims (times in seconds since the epoch). */
  sign(claims: { payload: JWTPayload; iss: string; aud: string | string[]; iat: number; exp: number }): Promise<string>;
};

// RSA key generation takes ~100 ms and a suite starts dozens of fakes, so they share one key pair per process. Two
// fakes may sign the same `iss`; what keeps a token of one from verifying at the other is each fake's own key id, as a
// JWKS lookup only tries the keys whose `kid` matches the token's.
let sharedKeyPair: { privateKey: KeyObject; publicJwk: JWK; thumbprint: string } | undefined;
const keysByFake = new WeakMap<object, SigningKey>();

/** The signing key of one started fake (keyed by its context), kept across `reset()` so a JWKS read once stays good. */
export function signingKeyOf(fake: object): SigningKey {
  const existing = keysByFake.get(fake);
  if (existing != null) return existing;
  if (sharedKeyPair == null) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { e, n } = publicKey.export({ format: 'jwk' });
    // RFC 7638: SHA-256 of the required members in lexicographic order.
    const thumbprint = createHash('sha256')
      .update(JSON.stringify({ e, kty: 'RSA', n }))
      .digest('base64url');
    sharedKeyPair = { privateKey, publicJwk: { kty: 'RSA', n, e }, thumbprint };
  }
  const { privateKey, publicJwk, thumbprint } = sharedKeyPair;
  const kid = `${thumbprint}.${randomBytes(6).toString('base64url')}`;
  const key: SigningKey = {
    jwks: { keys: [{ ...publicJwk, kid, alg: 'RS256', use: 'sig' }] },
    sign: ({ payload, iss, aud, iat, exp }) =>
      new SignJWT({ ...payload, iss, aud, iat, exp })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
        .sign(privateKey),
  };
  keysByFake.set(fake, key);
  return key;
}
