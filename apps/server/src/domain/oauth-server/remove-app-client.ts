import { eq } from 'drizzle-orm';
import { appPolicies, oauthRecords, registeredApps } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import type { OAuthStoreContext } from './database-oauth-adapter.ts';

/**
 * Removes an OAuth client (`gateway app remove`): its registration, every user's grant with its codes and tokens (the
 * app's next request is refused, 401), its policies. Pre-registered or dynamically registered alike. One transaction,
 * so the client never ends up half removed.
 */
export async function removeAppClient(
  context: OAuthStoreContext,
  clientId: string,
): Promise<{ disconnectedUsers: number }> {
  const disconnectedUsers = await withTransaction(context.db, async (tx) => {
    // Every record of the client carries its id (the adapter fills client_id for each kind), tokens included. The
    // users are counted from the grants this very delete removed, so the count is exact whatever runs meanwhile.
    const removed = await tx
      .delete(oauthRecords)
      .where(eq(oauthRecords.clientId, clientId))
      .returning({ kind: oauthRecords.kind, userId: oauthRecords.userId });
    if (!removed.some((row) => row.kind === 'Client')) {
      // Thrown inside the transaction: records of an unknown client stay as they were.
      throw new GatewayError('not_found', `no app with the client id ${clientId} (see gateway app list)`);
    }
    await tx.delete(appPolicies).where(eq(appPolicies.clientId, clientId));
    await tx.delete(registeredApps).where(eq(registeredApps.clientId, clientId));
    return new Set(removed.filter((row) => row.kind === 'Grant' && row.userId != null).map((row) => row.userId)).size;
  });
  await recordAuditEvent(context, { action: 'app_client.removed', userId: null, detail: { clientId } });
  return { disconnectedUsers };
}
