import { desc } from 'drizzle-orm';
import { registeredApps } from '../../db/schema.ts';
import { readClientMetadata } from './connected-apps.ts';
import type { OAuthStoreContext } from './sqlite-oauth-adapter.ts';

export type RegisteredAppSummary = {
  clientId: string;
  name: string;
  redirectUris: string[];
  /** How many gateway users have connected it now. */
  connectedUsers: number;
  createdAt: string;
};

/** The apps the operator pre-registered (`gateway app list`), newest first. */
export function listRegisteredApps(context: OAuthStoreContext): RegisteredAppSummary[] {
  const countUsers = context.db.$client.prepare(
    "select count(distinct user_id) as count from oauth_records where kind = 'Grant' and client_id = ?",
  );
  return context.db
    .select()
    .from(registeredApps)
    .orderBy(desc(registeredApps.createdAt))
    .all()
    .map((row) => ({
      clientId: row.clientId,
      name: row.name,
      redirectUris: readClientMetadata(context, row.clientId)?.redirectUris ?? [],
      connectedUsers: (countUsers.get(row.clientId) as { count: number }).count,
      createdAt: row.createdAt.toISOString(),
    }));
}
