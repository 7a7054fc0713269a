import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import type { JWKS } from 'oidc-provider';
import { type OAuthStoreContext, SqliteOAuthAdapter } from './sqlite-oauth-adapter.ts';

/** The authorization server's own secrets: cookie-signing keys and its signing JWKS (private keys included). */
export type OAuthKeys = { cookieKeys: string[]; jwks: JWKS };

const KEYS_KIND = 'GatewayKeys';
const KEYS_ID = 'current';

/**
 * Loads the keys from the database, creating them on first start. They live encrypted in `oauth_records` like
 * every other authorization-server secret, so a restart keeps cookies and signatures valid and a copy of the
 * database without the vault key reveals nothing. Access tokens are opaque; the RSA key signs only what
 * oidc-provider insists on signing (its JWKS must not be empty).
 */
export async function loadOrCreateOAuthKeys(context: OAuthStoreContext): Promise<OAuthKeys> {
  const store = new SqliteOAuthAdapter(KEYS_KIND, context);
  const stored = (await store.find(KEYS_ID)) as OAuthKeys | undefined;
  if (stored?.cookieKeys != null && stored.jwks != null) return { cookieKeys: stored.cookieKeys, jwks: stored.jwks };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = privateKey.export({ format: 'jwk' });
  const keys: OAuthKeys = {
    cookieKeys: [randomBytes(32).toString('base64url')],
    jwks: { keys: [{ ...jwk, kid: randomUUID(), alg: 'RS256', use: 'sig' }] as JWKS['keys'] },
  };
  await store.upsert(KEYS_ID, keys as never);
  return keys;
}
