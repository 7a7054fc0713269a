import type { CallerPolicy, ReasoningOutput } from '@pag/contracts';
import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { apiKeys, users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { hashToken, safeEqual } from '../security/secret-tokens.ts';
import { apiKeyDisplayPrefix, parseApiKeyId } from './api-key-format.ts';
import { apiKeyPolicyOf } from './api-key-policy.ts';
import type { UserRow } from './find-user.ts';

/** `lastUsedAt` is written at most once a minute per key so that hot API traffic does not write on every call. */
const LAST_USED_RESOLUTION_MS = 60_000;

export type ResolvedApiKey = {
  user: UserRow;
  keyId: string;
  keyPrefix: string;
  /** How `/v1/chat/completions` shows reasoning to this key's client (read here, with the key, once per request). */
  reasoningOutput: ReasoningOutput;
  /** What this key may use (models, subscription only, browser origins), read with the key on every request. */
  policy: CallerPolicy;
};

const selectKeyWithUser = preparedQuery('select_api_key_with_user', (db) =>
  db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.id, sql.placeholder('id'))),
);

/**
 * The user behind a presented API key, or null for a malformed, unknown or revoked key. Read from the database on
 * every call (a prepared statement, not a cache), so a revoked key fails on its very next request.
 */
export async function resolveApiKey(context: DomainContext, presentedKey: string): Promise<ResolvedApiKey | null> {
  const id = parseApiKeyId(presentedKey);
  if (id == null) return null;
  const [row] = await selectKeyWithUser(context.db).execute({ id });
  if (row == null || !safeEqual(hashToken(presentedKey), row.key.keyHash)) return null;
  const now = context.now();
  if (row.key.lastUsedAt == null || now - row.key.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    await context.db
      .update(apiKeys)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiKeys.id, id));
  }
  return {
    user: row.user,
    keyId: id,
    keyPrefix: apiKeyDisplayPrefix(id),
    reasoningOutput: row.key.reasoningOutput,
    policy: apiKeyPolicyOf(row.key),
  };
}
