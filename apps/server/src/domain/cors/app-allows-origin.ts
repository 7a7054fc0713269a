import { sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { appPolicies } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

// As for API keys (api-key-allows-origin.ts): SQLite looks into every connected app's origin list, nothing cached.
// A connected app's policy row is written when the user approves it (with its redirect URIs' origins), so the
// preflight sees the app's own origin from its first request.
const selectAppWithOrigin = preparedQuery((db) =>
  db
    .select({ clientId: appPolicies.clientId })
    .from(appPolicies)
    .where(
      sql`exists (select 1 from json_each(${appPolicies.allowedOrigins}) where json_each.value = ${sql.placeholder('origin')})`,
    )
    .limit(1)
    .prepare(),
);

/** Whether any user's connected app lists this browser origin among its allowed origins. */
export function appAllowsOrigin(context: DomainContext, origin: string): boolean {
  return selectAppWithOrigin(context.db).get({ origin }) != null;
}
