import * as oauth from 'oauth4webapi';

/**
 * A fresh PKCE verifier (oauth4webapi: 32 random bytes, base64url) and its S256 challenge.
 *
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.1
 */
export async function createPkcePair(): Promise<{ codeVerifier: string; codeChallenge: string }> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  return { codeVerifier, codeChallenge: await oauth.calculatePKCECodeChallenge(codeVerifier) };
}

/** An unguessable `state` value (32 random bytes, base64url). */
export function generateState(): string {
  return oauth.generateRandomState();
}
