import { and, eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { apiCredentials } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { type ApiCredentialRow, apiKeyContext } from './to-api-credential-dto.ts';

const selectUserCredentials = preparedQuery((db) =>
  db
    .select()
    .from(apiCredentials)
    .where(eq(apiCredentials.userId, sql.placeholder('userId')))
    .prepare(),
);

export function listApiCredentialRows(context: DomainContext, userId: string): ApiCredentialRow[] {
  return selectUserCredentials(context.db).all({ userId });
}

/** A saved key in clear, for one upstream call; never stored or logged by the caller. */
export function readApiKey(context: ConnectionsContext, row: ApiCredentialRow): string {
  return context.vault.decrypt(row.keyCiphertext, { context: apiKeyContext(row.id) });
}

export function deleteApiCredential(
  context: DomainContext,
  options: { userId: string; provider: 'openai' | 'gemini' | 'anthropic' },
): void {
  const deleted = context.db
    .delete(apiCredentials)
    .where(and(eq(apiCredentials.userId, options.userId), eq(apiCredentials.provider, options.provider)))
    .run().changes;
  if (deleted === 0) throw new GatewayError('not_found', `No ${options.provider} API key is saved.`);
}
