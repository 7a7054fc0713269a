import { sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { apiKeys } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

// SQLite looks into every key's origin list itself (json_each): a preflight reads one row at most, whatever the
// number of keys, and nothing is cached, so a removed origin is refused on the very next preflight.
const selectKeyWithOrigin = preparedQuery((db) =>
  db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(
      sql`exists (select 1 from json_each(${apiKeys.allowedOrigins}) where json_each.value = ${sql.placeholder('origin')})`,
    )
    .limit(1)
    .prepare(),
);

/** Whether any user's API key lists this browser origin among its allowed origins. */
export function apiKeyAllowsOrigin(context: DomainContext, origin: string): boolean {
  return selectKeyWithOrigin(context.db).get({ origin }) != null;
}
