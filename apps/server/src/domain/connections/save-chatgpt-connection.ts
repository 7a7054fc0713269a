import { randomUUID } from 'node:crypto';
import { type CodexTokenSet, readCodexTokenClaims, revokeCodexToken } from '@pag/oauth-client';
import { and, eq, ne } from 'drizzle-orm';
import { connections } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { type ConnectionRow, maskAccountId } from './to-connection-dto.ts';

/** The vault context of one token column: a ciphertext only decrypts in the row and column it was written for. */
export function tokenContext(connectionId: string, column: 'id_token' | 'access_token' | 'refresh_token'): string {
  return `connections:${connectionId}:${column}`;
}

/** Encrypts a token set for one connection row. */
export function encryptTokens(context: ConnectionsContext, connectionId: string, tokens: CodexTokenSet) {
  const { vault } = context;
  return {
    idTokenCiphertext: vault.encrypt(tokens.idToken, { context: tokenContext(connectionId, 'id_token') }),
    accessTokenCiphertext: vault.encrypt(tokens.accessToken, { context: tokenContext(connectionId, 'access_token') }),
    refreshTokenCiphertext: vault.encrypt(tokens.refreshToken, {
      context: tokenContext(connectionId, 'refresh_token'),
    }),
  };
}

/**
 * Stores a freshly signed-in ChatGPT account for a user: one per user, so a new sign-in replaces the old one
 * (whose refresh token is then revoked, best effort, as the official client does). Claims are read once here.
 */
export function saveChatgptConnection(
  context: ConnectionsContext,
  options: { userId: string; method: ConnectionRow['method']; tokens: CodexTokenSet },
): ConnectionRow {
  const claims = readCodexTokenClaims(options.tokens);
  const now = new Date(context.now());
  const accessTokenExpiresAt =
    claims.accessTokenExpiresAt ??
    (options.tokens.expiresInSeconds == null ? null : new Date(now.getTime() + options.tokens.expiresInSeconds * 1000));
  refuseAccountOfAnotherUser(context, { userId: options.userId, accountId: claims.accountId, tokens: options.tokens });
  const existing = context.db
    .select()
    .from(connections)
    .where(and(eq(connections.userId, options.userId), eq(connections.provider, 'chatgpt')))
    .get();
  const id = existing?.id ?? randomUUID();
  const fields = {
    method: options.method,
    accountId: claims.accountId,
    email: claims.email,
    planType: claims.planType,
    upstreamUserId: claims.chatgptUserId,
    ...encryptTokens(context, id, options.tokens),
    accessTokenExpiresAt,
    state: 'connected' as const,
    stateReason: null,
    refreshLeaseUntil: null,
    refreshLeaseOwner: null,
    refreshInterruptedAt: null,
    nextRefreshAttemptAt: null,
    refreshFailureCount: 0,
    connectedAt: now,
    lastRefreshAt: null,
    updatedAt: now,
  };
  const row =
    existing == null
      ? context.db
          .insert(connections)
          .values({ id, userId: options.userId, provider: 'chatgpt', version: 0, ...fields })
          .returning()
          .get()
      : context.db
          .update(connections)
          .set({ ...fields, version: existing.version + 1 })
          .where(eq(connections.id, id))
          .returning()
          .get();
  if (existing != null) revokeReplacedToken(context, existing);
  recordAuditEvent(context, {
    action: 'connection.connected',
    userId: options.userId,
    detail: {
      provider: 'chatgpt',
      method: options.method,
      account: maskAccountId(claims.accountId),
      plan: claims.planType,
    },
  });
  return row;
}

/**
 * One ChatGPT account serves one gateway user: a subscription is its owner's, never pooled between people. A sign-in
 * that yields an account another gateway user already holds is refused, and the tokens it produced are revoked (best
 * effort; revoking ends only this sign-in's token family), so nothing of the other user's connection changes. The
 * check and the write that follows run with no await between them, so SQLite's single writer keeps them atomic.
 */
function refuseAccountOfAnotherUser(
  context: ConnectionsContext,
  options: { userId: string; accountId: string; tokens: CodexTokenSet },
): void {
  const holder = context.db
    .select({ userId: connections.userId })
    .from(connections)
    .where(
      and(
        eq(connections.provider, 'chatgpt'),
        eq(connections.accountId, options.accountId),
        ne(connections.userId, options.userId),
      ),
    )
    .get();
  if (holder == null) return;
  revokeCodexToken({
    baseUrl: context.chatgpt.authBaseUrl,
    identity: context.chatgpt.identity,
    fetch: context.chatgpt.fetch,
    refreshToken: options.tokens.refreshToken,
  }).catch(() => {});
  recordAuditEvent(context, {
    action: 'connection.refused',
    userId: options.userId,
    detail: { provider: 'chatgpt', reason: 'account_in_use', account: maskAccountId(options.accountId) },
  });
  throw new GatewayError(
    'account_in_use',
    'This ChatGPT account is already connected to another user of this gateway. A subscription serves only its ' +
      'owner: sign in with your own ChatGPT account, or ask the other user to disconnect it first.',
  );
}

function revokeReplacedToken(context: ConnectionsContext, replaced: ConnectionRow): void {
  let refreshToken: string;
  try {
    refreshToken = context.vault.decrypt(replaced.refreshTokenCiphertext, {
      context: tokenContext(replaced.id, 'refresh_token'),
    });
  } catch {
    return;
  }
  // Fire and forget: a failed revoke must not undo a successful sign-in.
  revokeCodexToken({
    baseUrl: context.chatgpt.authBaseUrl,
    identity: context.chatgpt.identity,
    fetch: context.chatgpt.fetch,
    refreshToken,
  }).catch(() => {});
}
