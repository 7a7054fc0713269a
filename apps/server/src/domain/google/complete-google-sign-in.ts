import { randomUUID } from 'node:crypto';
import {
  exchangeGoogleAuthorizationCode,
  GOOGLE_GENERATIVE_LANGUAGE_SCOPE,
  parseGoogleCallback,
  readGoogleIdTokenClaims,
} from '@pag/oauth-client';
import { and, eq } from 'drizzle-orm';
import { googleConnections, googleSignInFlows } from '../../db/schema.ts';
import { hashToken } from '../accounts/secret-tokens.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { googleFlowVerifierContext, googleTokenContext } from './google-vault-contexts.ts';
import { readGoogleClientCredentials } from './read-google-client.ts';
import { toGoogleSignInError } from './to-google-sign-in-error.ts';

/**
 * Finishes connecting a Google account when the browser comes back to `/api/connections/google/callback`. The
 * state must belong to a live flow of this very user (another user's state answers like an unknown one), and the
 * flow is deleted before the code is exchanged, so a replayed callback finds nothing.
 */
export async function completeGoogleSignIn(
  context: ConnectionsContext,
  options: { userId: string; callbackUrl: string; state: string },
): Promise<{ email: string | null }> {
  const flow = context.db
    .select()
    .from(googleSignInFlows)
    .where(and(eq(googleSignInFlows.stateHash, hashToken(options.state)), eq(googleSignInFlows.userId, options.userId)))
    .get();
  if (flow == null) {
    throw new GatewayError(
      'sign_in_failed',
      'This Google sign-in is unknown or was already used (or started by another user): start it again.',
    );
  }
  context.db.delete(googleSignInFlows).where(eq(googleSignInFlows.id, flow.id)).run();
  if (flow.expiresAt.getTime() <= context.now()) {
    throw new GatewayError('flow_expired', 'The Google sign-in took longer than 10 minutes: start it again.');
  }
  try {
    const callback = parseGoogleCallback(options.callbackUrl, options.state);
    const client = readGoogleClientCredentials(context, options.userId);
    const tokens = await exchangeGoogleAuthorizationCode({
      tokenEndpoint: context.google.tokenEndpoint,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      code: callback.code,
      redirectUri: flow.redirectUri,
      codeVerifier: context.vault.decrypt(flow.codeVerifierCiphertext, { context: googleFlowVerifierContext(flow.id) }),
      requiredScopes: [GOOGLE_GENERATIVE_LANGUAGE_SCOPE],
      ...(context.google.fetch == null ? {} : { fetch: context.google.fetch }),
    });
    if (tokens.idToken == null) {
      throw new GatewayError('sign_in_failed', 'Google sent no id_token: the "openid" scope must be granted.');
    }
    const claims = readGoogleIdTokenClaims(tokens.idToken);
    const now = context.now();
    const existing = context.db
      .select({ id: googleConnections.id })
      .from(googleConnections)
      .where(eq(googleConnections.userId, options.userId))
      .get();
    const id = existing?.id ?? randomUUID();
    const fields = {
      subject: claims.sub,
      email: claims.email,
      scopes: tokens.scopes.join(' '),
      accessTokenCiphertext: context.vault.encrypt(tokens.accessToken, {
        context: googleTokenContext(id, 'access_token'),
      }),
      refreshTokenCiphertext: context.vault.encrypt(tokens.refreshToken, {
        context: googleTokenContext(id, 'refresh_token'),
      }),
      accessTokenExpiresAt: tokens.expiresInSeconds == null ? null : new Date(now + tokens.expiresInSeconds * 1000),
      state: 'connected' as const,
      stateReason: null,
      connectedAt: new Date(now),
      lastRefreshAt: null,
      updatedAt: new Date(now),
    };
    if (existing == null) {
      context.db
        .insert(googleConnections)
        .values({ id, userId: options.userId, ...fields })
        .run();
    } else {
      context.db.update(googleConnections).set(fields).where(eq(googleConnections.id, id)).run();
    }
    return { email: claims.email };
  } catch (error) {
    throw toGoogleSignInError(error);
  }
}
