import { apiKeyNameSchema, type CallerPolicy, type CreatedApiKey, UNRESTRICTED_POLICY } from '@pag/contracts';
import { count, eq } from 'drizzle-orm';
import { apiKeys } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { parseField } from '../parse-field.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { hashToken } from '../security/secret-tokens.ts';
import { generateApiKey } from './api-key-format.ts';
import { apiKeyPolicyColumns } from './api-key-policy.ts';
import { lockUserRow } from './lock-users.ts';
import { toApiKeySummary } from './to-api-key-summary.ts';

/** Enough for every program a person runs; stops a runaway script from filling the table. */
export const MAX_API_KEYS_PER_USER = 100;

/**
 * Creates an API key for a user, unrestricted unless a policy is given. The secret is returned here and never
 * again; only its hash is stored.
 */
export async function createApiKey(
  context: DomainContext,
  options: { userId: string; name: string; policy?: CallerPolicy | undefined },
): Promise<CreatedApiKey> {
  const name = parseField(apiKeyNameSchema, options.name, 'name');
  const { id, key } = generateApiKey();
  const row = await withTransaction(context.db, async (tx) => {
    await lockUserRow(tx, options.userId);
    const [existing] = await tx.select({ total: count() }).from(apiKeys).where(eq(apiKeys.userId, options.userId));
    if ((existing?.total ?? 0) >= MAX_API_KEYS_PER_USER) {
      throw new GatewayError(
        'conflict',
        `A user can have at most ${MAX_API_KEYS_PER_USER} API keys: revoke one first.`,
      );
    }
    const [inserted] = await tx
      .insert(apiKeys)
      .values({
        id,
        userId: options.userId,
        name,
        keyHash: hashToken(key),
        createdAt: new Date(context.now()),
        ...apiKeyPolicyColumns(options.policy ?? UNRESTRICTED_POLICY),
      })
      .returning();
    if (inserted == null) throw new Error('The new API key was not returned by the insert.');
    return inserted;
  });
  await recordAuditEvent(context, { action: 'api_key.created', userId: options.userId, detail: { keyId: id, name } });
  return { key: toApiKeySummary(row), secret: key };
}
