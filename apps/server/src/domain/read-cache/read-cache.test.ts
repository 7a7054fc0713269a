import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { apiKeys, users } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import { createApiKey } from '../accounts/create-api-key.ts';
import { createUser } from '../accounts/create-user.ts';
import { resolveApiKey } from '../accounts/resolve-api-key.ts';
import { setUserRole } from '../accounts/set-user-role.ts';
import type { DomainContext } from '../domain-context.ts';
import { cachedRead, ReadCache } from './read-cache.ts';

// Issue 22: the request cache's own rules, on SQLite and (in the PostgreSQL run) on PostgreSQL: a scope reads the
// version once, an unchanged version answers from memory, any write the triggers watch empties it, and nothing a
// transaction may still take back, nor anything an older scope read, is ever kept.

let db: GatewayDatabase;
let context: DomainContext;
let userId: string;
/** How often the database was asked for a user's email. */
let loads: number;

const readEmail = cachedRead('test-user-email', async (readContext: DomainContext, id: string) => {
  loads += 1;
  const [row] = await readContext.db.select({ email: users.email }).from(users).where(eq(users.id, id));
  return row?.email ?? null;
});

beforeEach(async () => {
  db = await openTestDatabase();
  context = { db, now: Date.now };
  userId = (await createUser(context, { email: 'reader@home.test', password: 'x'.repeat(12), isAdmin: true })).id;
  loads = 0;
});
afterEach(async () => {
  await db.$close();
});

/** Runs `work` in a new scope of `cache`, closing it after. */
async function inScope<T>(cache: ReadCache, work: () => Promise<T>): Promise<T> {
  const scope = cache.openScope();
  try {
    return await scope.run(work);
  } finally {
    scope.close();
  }
}

async function setEmail(email: string): Promise<void> {
  await db.update(users).set({ email }).where(eq(users.id, userId));
}

describe('issue 22: the request cache', () => {
  it('issue 22: outside a scope every read goes to the database', async () => {
    await ReadCache.open(db);
    await readEmail(context, userId);
    await readEmail(context, userId);
    expect(loads).toBe(2);
  });

  it('issue 22: a later scope is answered from memory while nothing it depends on changed', async () => {
    const cache = await ReadCache.open(db);
    expect(await inScope(cache, () => readEmail(context, userId))).toBe('reader@home.test');
    expect(await inScope(cache, () => readEmail(context, userId))).toBe('reader@home.test');
    expect(loads).toBe(1);
  });

  it('issue 22: a write to a watched table is seen by the next scope, from any connection', async () => {
    const cache = await ReadCache.open(db);
    await inScope(cache, () => readEmail(context, userId));
    // Raw SQL, as another process or a hand-written statement would write: the triggers see it all the same.
    await db.run(sql`update users set email = 'changed@home.test' where id = ${userId}`);
    expect(await inScope(cache, () => readEmail(context, userId))).toBe('changed@home.test');
    expect(loads).toBe(2);
  });

  it("issue 22: the request path's own writes (a key's last use) leave the cache as it is", async () => {
    const cache = await ReadCache.open(db);
    const { key } = await createApiKey(context, { userId, name: 'notes' });
    await inScope(cache, () => readEmail(context, userId));
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, key.id));
    await inScope(cache, () => readEmail(context, userId));
    expect(loads).toBe(1);
  });

  it('issue 22: a scope older than a change reads the database and keeps nothing', async () => {
    const cache = await ReadCache.open(db);
    const old = cache.openScope();
    await old.run(() => readEmail(context, userId));
    await setEmail('new@home.test');
    // A newer scope sees the change first and empties the cache.
    expect(await inScope(cache, () => readEmail(context, userId))).toBe('new@home.test');
    const { key } = await createApiKey(context, { userId, name: 'notes' });
    expect(await inScope(cache, () => readEmail(context, userId))).toBe('new@home.test');
    const loadsBefore = loads;
    // The old scope still works, from the database: it is not answered by what it cached, nor does it file anything.
    expect(await old.run(() => readEmail(context, userId))).toBe('new@home.test');
    expect(loads).toBe(loadsBefore + 1);
    expect(await old.run(() => readEmail(context, key.id))).toBeNull();
    const sizeAfterOld = cache.size;
    expect(await inScope(cache, () => readEmail(context, key.id))).toBeNull();
    expect(cache.size).toBe(sizeAfterOld + 1);
    old.close();
  });

  it('issue 22: inside a transaction its own writes are read, and a rollback leaves nothing of them cached', async () => {
    const cache = await ReadCache.open(db);
    await inScope(cache, () => readEmail(context, userId));
    const seenInside: (string | null)[] = [];
    await expect(
      withTransaction(db, async (tx) => {
        await tx.update(users).set({ email: 'uncommitted@home.test' }).where(eq(users.id, userId));
        seenInside.push(await inScope(cache, () => readEmail({ ...context, db: tx }, userId)));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(seenInside).toEqual(['uncommitted@home.test']);
    expect(await inScope(cache, () => readEmail(context, userId))).toBe('reader@home.test');
  });

  it('issue 22: a read by another request while a transaction of this process is open is not kept', async () => {
    const cache = await ReadCache.open(db);
    await inScope(cache, () => readEmail(context, userId));
    await expect(
      withTransaction(db, async (tx) => {
        await tx.update(users).set({ email: 'uncommitted@home.test' }).where(eq(users.id, userId));
        // Another request of this process, outside the transaction (on SQLite it shares its connection).
        await inScope(cache, () => readEmail(context, userId));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    // A committed write brings the counter where the rolled-back one had taken it: a value the rolled-back read had
    // filed under would now look current.
    await createApiKey(context, { userId, name: 'notes' });
    expect(await inScope(cache, () => readEmail(context, userId))).toBe('reader@home.test');
  });

  it('issue 22: an API key reflects a demotion and a revocation on the next scope', async () => {
    const cache = await ReadCache.open(db);
    const { key, secret } = await createApiKey(context, { userId, name: 'notes' });
    const other = await createUser(context, { email: 'admin2@home.test', password: 'x'.repeat(12), isAdmin: true });
    const resolve = () => inScope(cache, () => resolveApiKey(context, secret));
    expect((await resolve())?.user.isAdmin).toBe(true);
    expect((await resolve())?.user.isAdmin).toBe(true);
    await setUserRole(context, { userId, isAdmin: false, actorUserId: other.id });
    expect((await resolve())?.user.isAdmin).toBe(false);
    // The presented key is checked against the cached row's hash: a wrong secret with the right id fails.
    expect(await inScope(cache, () => resolveApiKey(context, `${secret.slice(0, -4)}AAAA`))).toBeNull();
    await db.delete(apiKeys).where(eq(apiKeys.id, key.id));
    expect(await resolve()).toBeNull();
  });

  it('issue 22: cached values are frozen and their number is bounded', async () => {
    const cache = await ReadCache.open(db, { capacity: 2 });
    const readRow = cachedRead('test-user-row', async (readContext: DomainContext, id: string) => {
      const [row] = await readContext.db.select().from(users).where(eq(users.id, id));
      return row ?? null;
    });
    const row = await inScope(cache, () => readRow(context, userId));
    expect(Object.isFrozen(row)).toBe(true);
    for (const id of ['a', 'b', 'c', 'd']) await inScope(cache, () => readRow(context, id));
    expect(cache.size).toBe(2);
  });

  it('issue 22: without its triggers the cache turns itself off rather than miss a write', async () => {
    await db.run(
      db.$dialect === 'postgres'
        ? sql`drop trigger cache_version_users on users`
        : sql`drop trigger cache_version_users_update`,
    );
    const errors: object[] = [];
    const cache = await ReadCache.open(db, { log: { error: (object) => errors.push(object) } });
    expect(cache.isEnabled).toBe(false);
    expect(errors).toEqual([{ missing: [expect.stringMatching(/^cache_version_users/)] }]);
    await inScope(cache, () => readEmail(context, userId));
    await inScope(cache, () => readEmail(context, userId));
    expect(loads).toBe(2);
  });
});
