import { sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { apiKeys } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { jsonArrayContains } from './json-array-contains.ts';

// The database looks into every key's origin list itself: a preflight reads one row at most, whatever the number of
// keys, and nothing is cached, so a removed origin is refused on the very next preflight.
const selectKeyWithOrigin = preparedQuery('select_api_key_with_origin', (db) =>
  db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(jsonArrayContains(db, apiKeys.allowedOrigins, sql.placeholder('origin')))
    .limit(1),
);

/** Whether any user's API key lists this browser origin among its allowed origins. */
export async function apiKeyAllowsOrigin(context: DomainContext, origin: string): Promise<boolean> {
  const [row] = await selectKeyWithOrigin(context.db).execute({ origin });
  return row != null;
}
