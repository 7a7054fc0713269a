import type { ApiKeySummary } from '@pag/contracts';
import { desc, eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { toApiKeySummary } from './to-api-key-summary.ts';

/** A user's API keys, newest first. */
export async function listApiKeys(context: DomainContext, userId: string): Promise<ApiKeySummary[]> {
  const rows = await context.db
    .select()
    .from(apiKeys)
    .where(eq(apiKeys.userId, userId))
    .orderBy(desc(apiKeys.createdAt));
  return rows.map(toApiKeySummary);
}
