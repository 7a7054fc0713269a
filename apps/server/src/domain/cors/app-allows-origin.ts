import { sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { appPolicies } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { cachedRead } from '../read-cache/read-cache.ts';
import { jsonArrayContains } from './json-array-contains.ts';

// As for API keys (api-key-allows-origin.ts): the database looks into every connected app's origin list, and the
// answer is kept by the request cache until any policy changes. A connected app's policy row is written when the
// user approves it (with its redirect URIs' origins), so the preflight sees the app's own origin from its first
// request.
const selectAppWithOrigin = preparedQuery('select_app_policy_with_origin', (db) =>
  db
    .select({ clientId: appPolicies.clientId })
    .from(appPolicies)
    .where(jsonArrayContains(db, appPolicies.allowedOrigins, sql.placeholder('origin')))
    .limit(1),
);

/** Whether any user's connected app lists this browser origin among its allowed origins. */
export const appAllowsOrigin: (context: DomainContext, origin: string) => Promise<boolean> = cachedRead(
  'app-allows-origin',
  async (context: DomainContext, origin: string) =>
    (await selectAppWithOrigin(context.db).execute({ origin }))[0] != null,
);
