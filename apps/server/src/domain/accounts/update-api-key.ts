import type { ApiKeySummary, ReasoningOutput } from '@pag/contracts';
import { and, eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { toApiKeySummary } from './to-api-key-summary.ts';

/** Changes a key's per-client settings (how reasoning is shown). Another user's key id is reported as not found. */
export function updateApiKey(
  context: DomainContext,
  options: { userId: string; keyId: string; reasoningOutput: ReasoningOutput },
): ApiKeySummary {
  const row = context.db
    .update(apiKeys)
    .set({ reasoningOutput: options.reasoningOutput })
    .where(and(eq(apiKeys.id, options.keyId), eq(apiKeys.userId, options.userId)))
    .returning()
    .get();
  if (row == null) throw new GatewayError('not_found', `No API key with the id ${options.keyId}.`);
  return toApiKeySummary(row);
}
