import { and, countDistinct, desc, eq } from 'drizzle-orm';
import { oauthRecords, registeredApps } from '../../db/schema.ts';
import { readClientMetadata } from './connected-apps.ts';
import type { OAuthStoreContext } from './database-oauth-adapter.ts';

export type RegisteredAppSummary = {
  clientId: string;
  name: string;
  redirectUris: string[];
  /** How many gateway users have connected it now. */
  connectedUsers: number;
  createdAt: string;
};

/** The apps the operator pre-registered (`gateway app list`), newest first. */
export async function listRegisteredApps(context: OAuthStoreContext): Promise<RegisteredAppSummary[]> {
  const rows = await context.db.select().from(registeredApps).orderBy(desc(registeredApps.createdAt));
  return Promise.all(
    rows.map(async (row) => {
      const [users] = await context.db
        .select({ count: countDistinct(oauthRecords.userId) })
        .from(oauthRecords)
        .where(and(eq(oauthRecords.kind, 'Grant'), eq(oauthRecords.clientId, row.clientId)));
      return {
        clientId: row.clientId,
        name: row.name,
        redirectUris: (await readClientMetadata(context, row.clientId))?.redirectUris ?? [],
        connectedUsers: users?.count ?? 0,
        createdAt: row.createdAt.toISOString(),
      };
    }),
  );
}
