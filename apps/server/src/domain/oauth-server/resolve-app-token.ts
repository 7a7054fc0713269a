import type { CallerPolicy } from '@pag/contracts';
import type Provider from 'oidc-provider';
import { findUserById, type UserRow } from '../accounts/find-user.ts';
import { GatewayError } from '../gateway-error.ts';
import { AI_SCOPE } from './oauth-scopes.ts';
import { readAppPolicy } from './read-app-policy.ts';
import type { OAuthStoreContext } from './sqlite-oauth-adapter.ts';

/** A connected app calling the AI APIs for a user, as proven by an `ai` access token (docs/app-connect.md §3). */
export type ResolvedAppToken = {
  user: UserRow;
  clientId: string;
  /** Self-declared by the app at registration: for logs and display, never its identity. */
  clientName: string | null;
  grantId: string;
  policy: CallerPolicy;
};

const UNKNOWN_TOKEN =
  'The access token is unknown, expired or revoked: refresh it, or connect the app to the gateway again.';

/**
 * Checks a bearer token from our authorization server on an AI route: known, unexpired and unrevoked, issued for the
 * AI resource (RFC 8707 audience: an MCP token is refused here as an `ai` token is refused at `/mcp`), with scope
 * `ai`, for a user that still exists. One lookup suffices: a token row goes with its grant (Disconnect, code replay,
 * refresh-token reuse) and with its user. Every refusal is 401 `unauthenticated` with what to do next.
 */
export async function resolveAppToken(
  provider: Provider,
  context: OAuthStoreContext,
  options: { token: string; resource: string },
): Promise<ResolvedAppToken> {
  const token = await provider.AccessToken.find(options.token);
  if (token == null || token.accountId == null || token.clientId == null) {
    throw new GatewayError('unauthenticated', UNKNOWN_TOKEN);
  }
  const audiences = Array.isArray(token.aud) ? token.aud : [token.aud];
  const scopes = (token.scope ?? '').split(' ');
  if (!audiences.includes(options.resource) || !scopes.includes(AI_SCOPE)) {
    throw new GatewayError(
      'unauthenticated',
      `This access token was not issued for the gateway's AI APIs: connect the app with scope "${AI_SCOPE}" (resource ${options.resource}).`,
    );
  }
  const user = await findUserById(context, token.accountId);
  const client = await provider.Client.find(token.clientId);
  if (user == null || client == null) throw new GatewayError('unauthenticated', UNKNOWN_TOKEN);
  return {
    user,
    clientId: client.clientId,
    clientName: client.clientName ?? null,
    grantId: token.grantId ?? '',
    policy: readAppPolicy(context, {
      userId: user.id,
      clientId: client.clientId,
      redirectUris: client.redirectUris ?? [],
    }),
  };
}
