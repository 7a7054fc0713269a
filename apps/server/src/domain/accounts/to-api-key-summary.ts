import type { ApiKeySummary } from '@pag/contracts';
import type { apiKeys } from '../../db/schema.ts';
import { apiKeyDisplayPrefix } from './api-key-format.ts';
import { apiKeyPolicyOf } from './api-key-policy.ts';

/** The listable view of a key row: never the hash. */
export function toApiKeySummary(row: typeof apiKeys.$inferSelect): ApiKeySummary {
  return {
    id: row.id,
    name: row.name,
    prefix: apiKeyDisplayPrefix(row.id),
    createdAt: row.createdAt.toISOString(),
    reasoningOutput: row.reasoningOutput,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    policy: apiKeyPolicyOf(row),
  };
}
