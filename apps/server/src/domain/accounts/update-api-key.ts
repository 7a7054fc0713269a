import type { ApiKeySummary, CallerPolicy, ReasoningOutput } from '@pag/contracts';
import { and, eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { apiKeyPolicyColumns } from './api-key-policy.ts';
import { toApiKeySummary } from './to-api-key-summary.ts';

/**
 * Changes a key's per-client settings: how reasoning is shown, and its caller policy (replaced whole). Another
 * user's key id is reported as not found. The policy takes effect on the key's next request (it is read with the
 * key every time), the CORS preflight included.
 */
export async function updateApiKey(
  context: DomainContext,
  options: {
    userId: string;
    keyId: string;
    reasoningOutput?: ReasoningOutput | undefined;
    policy?: CallerPolicy | undefined;
  },
): Promise<ApiKeySummary> {
  const [row] = await context.db
    .update(apiKeys)
    .set({
      ...(options.reasoningOutput == null ? {} : { reasoningOutput: options.reasoningOutput }),
      ...(options.policy == null ? {} : apiKeyPolicyColumns(options.policy)),
    })
    .where(and(eq(apiKeys.id, options.keyId), eq(apiKeys.userId, options.userId)))
    .returning();
  if (row == null) throw new GatewayError('not_found', `No API key with the id ${options.keyId}.`);
  if (options.policy != null) {
    await recordAuditEvent(context, {
      action: 'api_key.policy_changed',
      userId: options.userId,
      detail: { keyId: options.keyId, policy: options.policy },
    });
  }
  return toApiKeySummary(row);
}
