import { randomUUID } from 'node:crypto';
import type { ApiCredential } from '@pag/contracts';
import { and, eq } from 'drizzle-orm';
import { apiCredentials } from '../../db/schema.ts';
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
  const existing = context.db
    .select()
    .from(apiCredentials)
    .where(and(eq(apiCredentials.userId, options.userId), eq(apiCredentials.provider, options.provider)))
    .get();
  const id = existing?.id ?? randomUUID();
  const fields = {
    baseUrl,
    keyCiphertext: context.vault.encrypt(options.apiKey, { context: apiKeyContext(id) }),
    keyHint: options.apiKey.slice(-4),
    updatedAt: now,
    lastValidatedAt: now,
  };
  const row =
    existing == null
      ? context.db
          .insert(apiCredentials)
          .values({ id, userId: options.userId, provider: options.provider, createdAt: now, ...fields })
          .returning()
          .get()
      : context.db.update(apiCredentials).set(fields).where(eq(apiCredentials.id, id)).returning().get();
  return toApiCredentialDto(row);
}
