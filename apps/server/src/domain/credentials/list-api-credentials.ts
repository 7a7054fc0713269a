import { and, eq, sql } from 'drizzle-orm';
import { changedRows } from '../../db/open-database.ts';
import { preparedQuery } from '../../db/prepared-query.ts';
import { apiCredentials } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { type ApiCredentialRow, apiKeyContext } from './to-api-credential-dto.ts';

const selectUserCredentials = preparedQuery('select_user_api_credentials', (db) =>
  db
    .select()
    .from(apiCredentials)
    .where(eq(apiCredentials.userId, sql.placeholder('userId'))),
);

export async function listApiCredentialRows(context: DomainContext, userId: string): Promise<ApiCredentialRow[]> {
  return await selectUserCredentials(context.db).execute({ userId });
}

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
