import type { CleanupTask } from '../cleanup-task.ts';
import type { OAuthStoreContext } from './sqlite-oauth-adapter.ts';

/** How many clients are registered (dynamic registrations and the operator's `gateway app register`). */
export function countRegisteredClients(context: OAuthStoreContext): number {
  const row = context.db.$client.prepare("select count(*) as count from oauth_records where kind = 'Client'").get() as {
    count: number;
  };
  return row.count;
}

/**
 * Deletes registered clients that no user has ever approved (no grant) and that are older than `olderThanMs`.
 * Claude registers a new client for every connection attempt; the abandoned ones would otherwise pile up. Clients
 * the operator registered (`gateway app register`, table `registered_apps`) are kept until the operator removes them.
 */
export function deleteUnusedClients(context: OAuthStoreContext, options: { olderThanMs: number }): number {
  return context.db.$client
    .prepare(
      `delete from oauth_records where kind = 'Client' and created_at < ?
         and not exists (select 1 from oauth_records as grant_row
                         where grant_row.kind = 'Grant' and grant_row.client_id = oauth_records.client_id)
         and not exists (select 1 from registered_apps where registered_apps.client_id = oauth_records.client_id)`,
    )
    .run(context.now() - options.olderThanMs).changes;
}

/** Cleanup-scheduler task: expired authorization-server rows (codes, tokens, interactions, sessions, grants). */
export function expiredOAuthRecordsTask(): CleanupTask {
  return {
    name: 'oauth_records',
    run: (context) =>
      context.db.$client
        .prepare('delete from oauth_records where expires_at is not null and expires_at < ?')
        .run(context.now()).changes,
  };
}

/** Cleanup-scheduler task: registrations nobody approved within a day. */
export function unusedOAuthClientsTask(context: OAuthStoreContext): CleanupTask {
  return { name: 'oauth_unused_clients', run: () => deleteUnusedClients(context, { olderThanMs: 24 * 60 * 60_000 }) };
}
