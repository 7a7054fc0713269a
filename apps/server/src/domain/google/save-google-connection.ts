import { randomUUID } from 'node:crypto';
import type { GoogleIdTokenClaims, GoogleTokenSet } from '@pag/oauth-client';
import { and, eq } from 'drizzle-orm';
import { connections } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { lockConnectionWrites } from '../connections/lock-connection-writes.ts';
import type { ConnectionRow } from '../connections/to-connection-dto.ts';
import { maskAccountId } from '../connections/to-connection-dto.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { googleTokenContext } from './google-vault-contexts.ts';

/** A row of `connections` with `provider = 'google'`. */
export type GoogleConnectionRow = ConnectionRow;

/**
 * Stores a freshly connected Google account for a user (one per user). A new sign-in replaces the old row under a
 * NEW id: a refresh still running for the old row then writes nowhere (its updates are keyed by id), so tokens of
 * a previous grant — possibly of another Google account — can never land on the new connection.
 *
 * Unlike ChatGPT, the replaced refresh token is not revoked: at Google, revoking any token of a grant ends the
 * whole grant of that client for that account, which would kill the tokens just issued when the user reconnects
 * the same account.
 */
export async function saveGoogleConnection(
  context: ConnectionsContext,
  options: { userId: string; tokens: GoogleTokenSet; claims: GoogleIdTokenClaims },
): Promise<GoogleConnectionRow> {
  const { tokens, claims } = options;
  const now = context.now();
  const id = randomUUID();
  const row = await withTransaction(context.db, async (tx) => {
    // Two saves of one user at once would otherwise both delete nothing and the second insert fail on the index.
    await lockConnectionWrites(tx);
    await tx.delete(connections).where(and(eq(connections.userId, options.userId), eq(connections.provider, 'google')));
    const [inserted] = await tx
      .insert(connections)
      .values({
        id,
        userId: options.userId,
        provider: 'google',
        method: 'browser',
        accountId: claims.sub,
        email: claims.email,
        scopes: tokens.scopes.join(' '),
        accessTokenCiphertext: context.vault.encrypt(tokens.accessToken, {
          context: googleTokenContext(id, 'access_token'),
        }),
        refreshTokenCiphertext: context.vault.encrypt(tokens.refreshToken, {
          context: googleTokenContext(id, 'refresh_token'),
        }),
        accessTokenExpiresAt: tokens.expiresInSeconds == null ? null : new Date(now + tokens.expiresInSeconds * 1000),
        state: 'connected',
        stateReason: null,
        connectedAt: new Date(now),
        lastRefreshAt: null,
        updatedAt: new Date(now),
      })
      .returning();
    if (inserted == null) throw new Error('the Google connection was not stored');
    return inserted;
  });
  await recordAuditEvent(context, {
    action: 'connection.connected',
    userId: options.userId,
    detail: { provider: 'google', method: 'browser', account: maskAccountId(claims.sub) },
  });
  return row;
}
