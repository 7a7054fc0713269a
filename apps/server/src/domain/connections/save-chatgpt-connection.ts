import { randomUUID } from 'node:crypto';
import { type CodexTokenSet, readCodexTokenClaims, revokeCodexToken } from '@pag/oauth-client';
import { and, eq, ne } from 'drizzle-orm';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { connections } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import type { ConnectionsContext } from './connections-context.ts';
import { lockConnectionWrites } from './lock-connection-writes.ts';
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
 * The check that no other user holds the account, the read of the user's row and the write run in one
 * transaction, taking turns with every other sign-in (lock-connection-writes.ts): other requests, and other
 * replicas on PostgreSQL, run between our awaits.
 */
export async function saveChatgptConnection(
  context: ConnectionsContext,
  options: { userId: string; method: ConnectionRow['method']; tokens: CodexTokenSet },
): Promise<ConnectionRow> {
  const claims = readCodexTokenClaims(options.tokens);
  const now = new Date(context.now());
  const accessTokenExpiresAt =
    claims.accessTokenExpiresAt ??
    (options.tokens.expiresInSeconds == null ? null : new Date(now.getTime() + options.tokens.expiresInSeconds * 1000));
  const saved = await withTransaction(context.db, async (tx) => {
    await lockConnectionWrites(tx);
    if (await isHeldByAnotherUser(tx, { userId: options.userId, accountId: claims.accountId })) {
      return { kind: 'refused' as const };
    }
    const [existing] = await tx
      .select()
      .from(connections)
      .where(and(eq(connections.userId, options.userId), eq(connections.provider, 'chatgpt')));
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
    const [row] =
      existing == null
        ? await tx
            .insert(connections)
            .values({ id, userId: options.userId, provider: 'chatgpt', version: 0, ...fields })
            .returning()
        : await tx
            .update(connections)
            .set({ ...fields, version: existing.version + 1 })
            .where(eq(connections.id, id))
            .returning();
    // The row was read in this transaction, which no other save can change before it ends.
    if (row == null) throw new Error('the ChatGPT connection was not stored');
    await recordAuditEvent(
      { ...context, db: tx },
      {
        action: 'connection.connected',
        userId: options.userId,
        detail: {
          provider: 'chatgpt',
          method: options.method,
          account: maskAccountId(claims.accountId),
          plan: claims.planType,
        },
      },
    );
    return { kind: 'saved' as const, row, replaced: existing };
  });
  if (saved.kind === 'refused') {
    return refuseAccountOfAnotherUser(context, {
      userId: options.userId,
      accountId: claims.accountId,
      tokens: options.tokens,
    });
  }
  // After the transaction: the revocation is a call to auth.openai.com, which must not hold the write lock.
  if (saved.replaced != null) revokeReplacedToken(context, saved.replaced);
  return saved.row;
}

/** Whether another gateway user's ChatGPT connection is of this account (see `refuseAccountOfAnotherUser`). */
async function isHeldByAnotherUser(tx: GatewayDatabase, options: { userId: string; accountId: string }) {
  const [holder] = await tx
    .select({ userId: connections.userId })
    .from(connections)
    .where(
      and(
        eq(connections.provider, 'chatgpt'),
        eq(connections.accountId, options.accountId),
        ne(connections.userId, options.userId),
      ),
    )
    .limit(1);
  return holder != null;
}

/**
 * One ChatGPT account serves one gateway user: a subscription is its owner's, never pooled between people. A sign-in
 * that yields an account another gateway user already holds is refused, and the tokens it produced are revoked (best
 * effort; revoking ends only this sign-in's token family), so nothing of the other user's connection changes. The
 * check ran in the saving transaction (`saveChatgptConnection`), so no save of that account slipped in between.
 */
async function refuseAccountOfAnotherUser(
  context: ConnectionsContext,
  options: { userId: string; accountId: string; tokens: CodexTokenSet },
): Promise<never> {
  revokeCodexToken({
    baseUrl: context.chatgpt.authBaseUrl,
    identity: context.chatgpt.identity,
    fetch: context.chatgpt.fetch,
    refreshToken: options.tokens.refreshToken,
  }).catch(() => {});
  await recordAuditEvent(context, {
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
