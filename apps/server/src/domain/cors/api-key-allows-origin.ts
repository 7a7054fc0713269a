import { sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { apiKeys } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { cachedRead } from '../read-cache/read-cache.ts';
import { jsonArrayContains } from './json-array-contains.ts';

// The database looks into every key's origin list itself: a preflight reads one row at most, whatever the number of
// keys. The answer is kept by the request cache, which any write to a key drops (docs/request-cache.md), so a removed
// origin is still refused on the very next preflight.
const selectKeyWithOrigin = preparedQuery('select_api_key_with_origin', (db) =>
  db
    .select({ id: apiKeys.id })
    .from(apiKeys)
    .where(jsonArrayContains(db, apiKeys.allowedOrigins, sql.placeholder('origin')))
    .limit(1),
);

/** Whether any user's API key lists this browser origin among its allowed origins. */
export const apiKeyAllowsOrigin: (context: DomainContext, origin: string) => Promise<boolean> = cachedRead(
  'api-key-allows-origin',
  async (context: DomainContext, origin: string) =>
    (await selectKeyWithOrigin(context.db).execute({ origin }))[0] != null,
);
