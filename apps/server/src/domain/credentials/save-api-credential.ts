import { randomUUID } from 'node:crypto';
import type { ApiCredential } from '@pag/contracts';
import { and, eq } from 'drizzle-orm';
import { apiCredentials } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import { lockUserRow } from '../accounts/lock-users.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { apiKeyContext, toApiCredentialDto } from './to-api-credential-dto.ts';

/** The default OpenAI-compatible base when the user gives none. */
export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

export type ApiKeyValidator = (credential: {
  provider: 'openai' | 'gemini' | 'anthropic';
  apiKey: string;
  baseUrl: string | null;
}) => Promise<void>;

/**
 * Saves (or replaces) a user's API key for a provider, after proving it works with a cheap upstream call
 * (listing models): a wrong key or base URL is reported now, at save time, not at the first chat request.
 */
export async function saveApiCredential(
  context: ConnectionsContext,
  options: {
    userId: string;
    provider: 'openai' | 'gemini' | 'anthropic';
    apiKey: string;
    baseUrl: string | null;
    validate: ApiKeyValidator;
  },
): Promise<ApiCredential> {
  const baseUrl =
    options.provider === 'openai' ? (options.baseUrl ?? DEFAULT_OPENAI_BASE_URL).replace(/\/+$/, '') : null;
  await options.validate({ provider: options.provider, apiKey: options.apiKey, baseUrl });
  const now = new Date(context.now());
  // The key is encrypted for its row's id, so the id must be known before the write: read it, then insert or update,
  // in one transaction with the user's row locked, so that two saves at once do not both insert.
  const row = await withTransaction(context.db, async (tx) => {
    await lockUserRow(tx, options.userId);
    const [existing] = await tx
      .select({ id: apiCredentials.id })
      .from(apiCredentials)
      .where(and(eq(apiCredentials.userId, options.userId), eq(apiCredentials.provider, options.provider)))
      .limit(1);
    const id = existing?.id ?? randomUUID();
    const fields = {
      baseUrl,
      keyCiphertext: context.vault.encrypt(options.apiKey, { context: apiKeyContext(id) }),
      keyHint: options.apiKey.slice(-4),
      updatedAt: now,
      lastValidatedAt: now,
    };
    const [written] =
      existing == null
        ? await tx
            .insert(apiCredentials)
            .values({ id, userId: options.userId, provider: options.provider, createdAt: now, ...fields })
            .returning()
        : await tx.update(apiCredentials).set(fields).where(eq(apiCredentials.id, id)).returning();
    if (written == null) throw new Error('The saved API key was not returned by the write.');
    return written;
  });
  return toApiCredentialDto(row);
}
