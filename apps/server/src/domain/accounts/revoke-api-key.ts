import { and, eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';

/**
 * Revokes (deletes) one of the user's keys. Effective for the very next request, in every process: the delete moves
 * the cache version, which every request reads before it uses a cached key (docs/request-cache.md). Another user's
 * key id is reported as not found.
 */
export async function revokeApiKey(context: DomainContext, options: { userId: string; keyId: string }): Promise<void> {
  const deleted = await context.db
    .delete(apiKeys)
    .where(and(eq(apiKeys.id, options.keyId), eq(apiKeys.userId, options.userId)))
    .returning({ id: apiKeys.id });
  if (deleted.length === 0) throw new GatewayError('not_found', `No API key with the id ${options.keyId}.`);
  await recordAuditEvent(context, {
    action: 'api_key.revoked',
    userId: options.userId,
    detail: { keyId: options.keyId },
  });
}
