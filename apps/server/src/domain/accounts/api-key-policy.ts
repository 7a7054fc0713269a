import type { CallerPolicy } from '@pag/contracts';
import type { apiKeys } from '../../db/schema.ts';

type ApiKeyRow = typeof apiKeys.$inferSelect;

/** A key row's caller policy. Rows made before policies existed read as unrestricted (the migration's defaults). */
export function apiKeyPolicyOf(
  row: Pick<ApiKeyRow, 'allowedModels' | 'subscriptionOnly' | 'allowedOrigins'>,
): CallerPolicy {
  return {
    allowedModels: row.allowedModels ?? null,
    subscriptionOnly: row.subscriptionOnly,
    allowedOrigins: row.allowedOrigins ?? [],
  };
}

/** The columns a policy is stored in, duplicates dropped (an origin or pattern listed twice means it once). */
export function apiKeyPolicyColumns(
  policy: CallerPolicy,
): Pick<ApiKeyRow, 'allowedModels' | 'subscriptionOnly' | 'allowedOrigins'> {
  return {
    allowedModels: policy.allowedModels == null ? null : [...new Set(policy.allowedModels)],
    subscriptionOnly: policy.subscriptionOnly,
    allowedOrigins: [...new Set(policy.allowedOrigins)],
  };
}
