import { randomUUID } from 'node:crypto';
import type { GoogleSignIn } from '@pag/contracts';
import { buildGoogleAuthorizationUrl, createPkcePair, GOOGLE_DEFAULT_SCOPES, generateState } from '@pag/oauth-client';
import { and, eq, lt } from 'drizzle-orm';
import { signInFlows } from '../../db/schema.ts';
import { type ConnectionsContext, SIGN_IN_FLOW_LIFETIME_MS } from '../connections/connections-context.ts';
import { hashToken } from '../security/secret-tokens.ts';
import { googleFlowVerifierContext } from './google-vault-contexts.ts';
import { readGoogleClientCredentials } from './read-google-client.ts';

/**
 * Starts connecting a Google account with the user's own OAuth client: authorization code + PKCE (S256), the
 * state stored only as a hash and bound to this user, the verifier encrypted, both single-use and gone after
 * 10 minutes. The redirect goes to the gateway's public URL, so the browser can be anywhere.
 */
export async function startGoogleSignIn(
  context: ConnectionsContext,
  options: { userId: string; loginHint?: string | undefined },
): Promise<GoogleSignIn> {
  const { clientId } = await readGoogleClientCredentials(context, options.userId);
  const now = context.now();
  // A user's abandoned attempts are dropped here; the maintenance task is not needed for a table this small.
  await context.db
    .delete(signInFlows)
    .where(
      and(
        eq(signInFlows.userId, options.userId),
        eq(signInFlows.provider, 'google'),
        lt(signInFlows.expiresAt, new Date(now)),
      ),
    );
  const id = randomUUID();
  const state = generateState();
  const { codeVerifier, codeChallenge } = await createPkcePair();
  const expiresAt = new Date(now + SIGN_IN_FLOW_LIFETIME_MS);
  await context.db.insert(signInFlows).values({
    id,
    userId: options.userId,
    provider: 'google',
    method: 'browser',
    // Never moves off `pending`: the callback deletes the row as it reads it.
    status: 'pending',
    stateHash: hashToken(state),
    codeVerifierCiphertext: context.vault.encrypt(codeVerifier, { context: googleFlowVerifierContext(id) }),
    redirectUri: context.google.redirectUri,
    createdAt: new Date(now),
    expiresAt,
  });
  const authorizeUrl = buildGoogleAuthorizationUrl({
    authorizationEndpoint: context.google.authorizationEndpoint,
    clientId,
    redirectUri: context.google.redirectUri,
    state,
    codeChallenge,
    scopes: GOOGLE_DEFAULT_SCOPES,
    loginHint: options.loginHint,
  });
  return { authorizeUrl: authorizeUrl.toString(), expiresAt: expiresAt.toISOString() };
}
