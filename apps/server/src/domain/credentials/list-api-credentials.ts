import { and, eq, sql } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { preparedQuery } from '../../db/prepared-query.ts';
import { apiCredentials } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { cachedRead } from '../read-cache/read-cache.ts';
import { type ApiCredentialRow, apiKeyContext } from './to-api-credential-dto.ts';

const selectUserCredentials = preparedQuery('select_user_api_credentials', (db) =>
  db
    .select()
    .from(apiCredentials)
    .where(eq(apiCredentials.userId, sql.placeholder('userId'))),
);

/**
 * The user's saved upstream keys (encrypted), through the request cache: every route planned reads them
 * (docs/request-cache.md). A saved, replaced or removed key, a `vault rotate-key`, anything that writes the table
 * empties the cache; the rows are frozen, shared by the requests that read them.
 */
export const listApiCredentialRows: (context: DomainContext, userId: string) => Promise<readonly ApiCredentialRow[]> =
  cachedRead('api-credentials', (context: DomainContext, userId: string) =>
    selectUserCredentials(context.db).execute({ userId }),
  );

/** A saved key in clear, for one upstream call; never stored or logged by the caller. */
export function readApiKey(context: ConnectionsContext, row: ApiCredentialRow): string {
  return context.vault.decrypt(row.keyCiphertext, { context: apiKeyContext(row.id) });
}

export async function deleteApiCredential(
  context: DomainContext,
  options: { userId: string; provider: 'openai' | 'gemini' | 'anthropic' },
): Promise<void> {
  const deleted = changedRows(
    await context.db
      .delete(apiCredentials)
      .where(and(eq(apiCredentials.userId, options.userId), eq(apiCredentials.provider, options.provider))),
  );
  if (deleted === 0) throw new GatewayError('not_found', `No ${options.provider} API key is saved.`);
}
