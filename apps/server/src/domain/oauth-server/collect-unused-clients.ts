import { and, count, eq, isNotNull, lt, sql } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { oauthRecords } from '../../db/schema.ts';
import type { CleanupTask } from '../cleanup-task.ts';
import type { OAuthStoreContext } from './database-oauth-adapter.ts';

/** How many clients are registered (dynamic registrations and the operator's `gateway app register`). */
export async function countRegisteredClients(context: OAuthStoreContext): Promise<number> {
  const [row] = await context.db.select({ count: count() }).from(oauthRecords).where(eq(oauthRecords.kind, 'Client'));
  return row?.count ?? 0;
}

/**
 * Deletes registered clients that no user has ever approved (no grant) and that are older than `olderThanMs`.
 * Claude registers a new client for every connection attempt; the abandoned ones would otherwise pile up. Clients
 * the operator registered (`gateway app register`, table `registered_apps`) are kept until the operator removes them.
 * One statement, so a grant saved meanwhile keeps its client.
 */
export async function deleteUnusedClients(
  context: OAuthStoreContext,
  options: { olderThanMs: number },
): Promise<number> {
  return changedRows(
    await context.db.run(
      sql`delete from oauth_records where kind = 'Client' and created_at < ${context.now() - options.olderThanMs}
            and not exists (select 1 from oauth_records as grant_row
                            where grant_row.kind = 'Grant' and grant_row.client_id = oauth_records.client_id)
            and not exists (select 1 from registered_apps where registered_apps.client_id = oauth_records.client_id)`,
    ),
  );
}

/** Cleanup-scheduler task: expired authorization-server rows (codes, tokens, interactions, sessions, grants). */
export function expiredOAuthRecordsTask(): CleanupTask {
  return {
    name: 'oauth_records',
    run: async (context) =>
      changedRows(
        await context.db
          .delete(oauthRecords)
          .where(and(isNotNull(oauthRecords.expiresAt), lt(oauthRecords.expiresAt, new Date(context.now())))),
      ),
  };
}

/** Cleanup-scheduler task: registrations nobody approved within a day. */
export function unusedOAuthClientsTask(context: OAuthStoreContext): CleanupTask {
  return { name: 'oauth_unused_clients', run: () => deleteUnusedClients(context, { olderThanMs: 24 * 60 * 60_000 }) };
}
