import type { CallerPolicy } from '@pag/contracts';
import type { apiKeys } from '../../db/schema.ts';

type ApiKeyRow = typeof apiKeys.$inferSelect;

/** A key row's caller policy. Rows made before policies existed read as unrestricted (the migration's defaults). */
export function apiKeyPolicyOf(
  row: Pick<ApiKeyRow, 'allowedModels' | 'subscriptionOnly' | 'allowedOrigins' | 'routingRules'>,
): CallerPolicy {
  return {
    allowedModels: row.allowedModels ?? null,
    subscriptionOnly: row.subscriptionOnly,
    allowedOrigins: row.allowedOrigins ?? [],
    // Routing rules (issue 19) only when some were saved: a key without rules reads as before.
    ...(row.routingRules == null ? {} : { routing: row.routingRules }),
  };
}

/**
 * The columns a policy is stored in, duplicates dropped (an origin or pattern listed twice means it once). Routing
 * rules absent: the stored ones stay (a client that predates them does not erase them).
 */
export function apiKeyPolicyColumns(
  policy: CallerPolicy,
): Pick<ApiKeyRow, 'allowedModels' | 'subscriptionOnly' | 'allowedOrigins'> & Partial<Pick<ApiKeyRow, 'routingRules'>> {
  return {
    allowedModels: policy.allowedModels == null ? null : [...new Set(policy.allowedModels)],
    subscriptionOnly: policy.subscriptionOnly,
    allowedOrigins: [...new Set(policy.allowedOrigins)],
    ...(policy.routing === undefined ? {} : { routingRules: policy.routing }),
  };
}
