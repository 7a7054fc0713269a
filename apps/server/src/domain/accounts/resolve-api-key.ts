import type { CallerPolicy, ReasoningOutput } from '@pag/contracts';
import { eq, sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { preparedQuery } from '../../db/prepared-query.ts';
import { apiKeys, users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { LruMap } from '../lru-map.ts';
import { cachedRead } from '../read-cache/read-cache.ts';
import { matchesTokenHash } from '../security/secret-tokens.ts';
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
  /** What this key may use (models, subscription only, browser origins), read with the key. */
  policy: CallerPolicy;
};

const selectKeyWithUser = preparedQuery('select_api_key_with_user', (db) =>
  db
    .select({ key: apiKeys, user: users })
    .from(apiKeys)
    .innerJoin(users, eq(users.id, apiKeys.userId))
    .where(eq(apiKeys.id, sql.placeholder('id'))),
);

/** The key's row with its user, through the request cache; an unknown id is not kept (anyone can make one up). */
const readKeyWithUser = cachedRead(
  'api-key-with-user',
  async (context: DomainContext, id: string) => (await selectKeyWithUser(context.db).execute({ id }))[0] ?? null,
  { shouldKeep: (row) => row != null },
);

/**
 * When this process last wrote each key's `lastUsedAt`: a cached row keeps the value it was read with, and without
 * this every request after the first minute would write it again. Per database (tests run several in one process).
 */
const lastUsedWrites = new WeakMap<GatewayDatabase, LruMap<string, number>>();
const LAST_USED_WRITES_KEPT = 1024;

/**
 * The user behind a presented API key, or null for a malformed, unknown or revoked key. The row comes from the
 * request cache (docs/request-cache.md), which is exact: it is dropped as soon as any process changes or deletes a
 * key or a user, so a revoked key fails on its very next request. The presented key's hash is compared with the
 * stored one on every call, in constant time, cached row or not.
 */
export async function resolveApiKey(context: DomainContext, presentedKey: string): Promise<ResolvedApiKey | null> {
  const id = parseApiKeyId(presentedKey);
  if (id == null) return null;
  const row = await readKeyWithUser(context, id);
  if (row == null || !matchesTokenHash(presentedKey, row.key.keyHash)) return null;
  await recordUse(context, id, row.key.lastUsedAt);
  return {
    user: row.user,
    keyId: id,
    keyPrefix: apiKeyDisplayPrefix(id),
    reasoningOutput: row.key.reasoningOutput,
    policy: apiKeyPolicyOf(row.key),
  };
}

/** Writes `lastUsedAt` when the last write (the row's, or this process's since) is a minute old or more. */
async function recordUse(context: DomainContext, id: string, storedLastUsedAt: Date | null): Promise<void> {
  let written = lastUsedWrites.get(context.db);
  if (written == null) {
    written = new LruMap(LAST_USED_WRITES_KEPT);
    lastUsedWrites.set(context.db, written);
  }
  const now = context.now();
  const last = Math.max(
    storedLastUsedAt?.getTime() ?? Number.NEGATIVE_INFINITY,
    written.get(id) ?? Number.NEGATIVE_INFINITY,
  );
  if (now - last < LAST_USED_RESOLUTION_MS) return;
  // Remembered before the write: the requests that arrive while it runs do not write it again.
  written.set(id, now);
  await context.db
    .update(apiKeys)
    .set({ lastUsedAt: new Date(now) })
    .where(eq(apiKeys.id, id));
}
