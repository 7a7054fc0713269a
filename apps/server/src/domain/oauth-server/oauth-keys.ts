import { generateKeyPair, type KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { JWKS } from 'oidc-provider';
import { DatabaseOAuthAdapter, type OAuthStoreContext } from './database-oauth-adapter.ts';

/** The authorization server's own secrets: cookie-signing keys and its signing JWKS (private keys included). */
export type OAuthKeys = { cookieKeys: string[]; jwks: JWKS };

const KEYS_KIND = 'GatewayKeys';
const KEYS_ID = 'current';

/**
 * Loads the keys from the database, creating them on first start. They live encrypted in `oauth_records` like
 * every other authorization-server secret, so a restart keeps cookies and signatures valid and a copy of the
 * database without the vault key reveals nothing. Access tokens are opaque; the RSA key signs only what
 * oidc-provider insists on signing (its JWKS must not be empty). Created at most once: replicas (or processes) that
 * start together on an empty database each generate keys, the first stored wins and every one uses the stored keys.
 */
export async function loadOrCreateOAuthKeys(context: OAuthStoreContext): Promise<OAuthKeys> {
  const store = new DatabaseOAuthAdapter(KEYS_KIND, context);
  const stored = (await store.find(KEYS_ID)) as OAuthKeys | undefined;
  if (stored?.cookieKeys != null && stored.jwks != null) return { cookieKeys: stored.cookieKeys, jwks: stored.jwks };
  // Off the event loop (libuv's thread pool): an RSA key takes 50 to 500 ms to find, and the first OAuth request,
  // which builds the provider, waits for it while other requests go on (issue 22).
  const { privateKey } = await promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
  const keys = newOAuthKeys(privateKey);
  if (stored != null) {
    // A record without keys (never written so by this code) is replaced, as it always was.
    await store.upsert(KEYS_ID, keys as never);
    return keys;
  }
  return storeOAuthKeysIfAbsent(context, keys);
}

/** New keys: a new cookie-signing key, and a signing JWK of the RSA private key `rsaKey`. */
export function newOAuthKeys(rsaKey: KeyObject): OAuthKeys {
  const jwk = rsaKey.export({ format: 'jwk' });
  return {
    cookieKeys: [randomBytes(32).toString('base64url')],
    jwks: { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' }] as JWKS['keys'] },
  };
}

/**
 * Stores `keys` unless keys are stored already, and answers the keys stored. Test apps get keys stored this way
 * before they start (test/build-test-app.ts), so that they load them instead of each generating an RSA key.
 */
export async function storeOAuthKeysIfAbsent(context: OAuthStoreContext, keys: OAuthKeys): Promise<OAuthKeys> {
  const store = new DatabaseOAuthAdapter(KEYS_KIND, context);
  const winner = (await store.insertIfAbsent(KEYS_ID, keys as never)) as OAuthKeys | undefined;
  if (winner?.cookieKeys == null || winner.jwks == null) throw new Error('the OAuth server keys could not be stored');
  return { cookieKeys: winner.cookieKeys, jwks: winner.jwks };
}
