import {
  exchangeGoogleAuthorizationCode,
  GOOGLE_GENERATIVE_LANGUAGE_SCOPE,
  parseGoogleCallback,
  readGoogleIdTokenClaims,
} from '@pag/oauth-client';
import { and, eq } from 'drizzle-orm';
import { signInFlows } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { hashToken } from '../security/secret-tokens.ts';
import { googleFlowVerifierContext } from './google-vault-contexts.ts';
import { readGoogleClientCredentials } from './read-google-client.ts';
import { saveGoogleConnection } from './save-google-connection.ts';
import { toGoogleSignInError } from './to-google-sign-in-error.ts';

/**
 * Finishes connecting a Google account when the browser comes back to `/api/connections/google/callback`. The
 * state must belong to a live flow of this very user (another user's state answers like an unknown one), and the
 * flow is deleted as it is read, before the code is exchanged, so a replayed callback finds nothing.
 */
export async function completeGoogleSignIn(
  context: ConnectionsContext,
  options: { userId: string; callbackUrl: string; state: string },
): Promise<{ email: string | null }> {
  // Taken and deleted in one statement: single use even across processes sharing the database.
  const [flow] = await context.db
    .delete(signInFlows)
    .where(
      and(
        eq(signInFlows.stateHash, hashToken(options.state)),
        eq(signInFlows.userId, options.userId),
        eq(signInFlows.provider, 'google'),
      ),
    )
    .returning();
  if (flow == null) {
    throw new GatewayError(
      'sign_in_failed',
      'This Google sign-in is unknown or was already used (or started by another user): start it again.',
    );
  }
  if (flow.expiresAt.getTime() <= context.now()) {
    throw new GatewayError('flow_expired', 'The Google sign-in took longer than 10 minutes: start it again.');
  }
  // Always set on a Google flow (startGoogleSignIn); the shared table lets other providers leave them empty.
  const { redirectUri, codeVerifierCiphertext } = flow;
  if (redirectUri == null || codeVerifierCiphertext == null) {
    throw new GatewayError('sign_in_failed', 'This Google sign-in is incomplete: start it again.');
  }
  try {
    const callback = parseGoogleCallback(options.callbackUrl, options.state);
    const client = await readGoogleClientCredentials(context, options.userId);
    const tokens = await exchangeGoogleAuthorizationCode({
      tokenEndpoint: context.google.tokenEndpoint,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      code: callback.code,
      redirectUri,
      codeVerifier: context.vault.decrypt(codeVerifierCiphertext, { context: googleFlowVerifierContext(flow.id) }),
      requiredScopes: [GOOGLE_GENERATIVE_LANGUAGE_SCOPE],
      ...(context.google.fetch == null ? {} : { fetch: context.google.fetch }),
    });
    if (tokens.idToken == null) {
      throw new GatewayError('sign_in_failed', 'Google sent no id_token: the "openid" scope must be granted.');
    }
    const claims = readGoogleIdTokenClaims(tokens.idToken);
    await saveGoogleConnection(context, { userId: options.userId, tokens, claims });
    return { email: claims.email };
  } catch (error) {
    throw toGoogleSignInError(error);
  }
}
