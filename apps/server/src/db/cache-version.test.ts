import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../domain/accounts/create-api-key.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { openTestDatabase } from '../test/open-test-database.ts';
import {
  cacheVersionWatch,
  expectedCacheVersionTriggers,
  listCacheVersionTriggers,
  readCacheVersion,
} from './cache-version.ts';
import type { GatewayDatabase } from './open-database.ts';
import { apiKeys, connections, users } from './schema.ts';
import { withTransaction } from './with-transaction.ts';

// Issue 22: the request cache is exact only if every write to what it caches moves `cache_version`, whoever writes,
// and the request path's own writes do not (or nothing would ever be a hit). These hold the triggers the migrations
// created to the list in cache-version.ts, and that list to the schema: a column added later must be placed.

let db: GatewayDatabase;
beforeEach(async () => {
  db = await openTestDatabase();
});
afterEach(async () => {
  await db.$close();
});

/** The columns each table's update trigger fires on, as the database itself has them. */
async function triggerColumns(): Promise<Record<string, string[]>> {
  if (db.$dialect === 'postgres') {
    const rows = await db.all<{ table_name: string; column_name: string }>(sql`
      select c.relname as table_name, a.attname as column_name
      from pg_trigger t
      join pg_class c on c.oid = t.tgrelid
      join pg_attribute a on a.attrelid = t.tgrelid and a.attnum = any(t.tgattr::int2[])
      where not t.tgisinternal and t.tgname like 'cache_version_%'`);
    const columns: Record<string, string[]> = {};
    for (const row of rows) columns[row.table_name] = [...(columns[row.table_name] ?? []), row.column_name];
    return columns;
  }
  const rows = await db.all<{ name: string; tbl_name: string; sql: string }>(
    sql`select name, tbl_name, sql from sqlite_master where type = 'trigger'`,
  );
  return Object.fromEntries(
    rows
      .filter((row) => row.name.startsWith('cache_version_') && row.name.endsWith('_update'))
      .map((row) => {
        const list = /AFTER UPDATE OF (.+) ON/i.exec(row.sql)?.[1] ?? '';
        return [row.tbl_name, list.split(',').map((column) => column.trim().replace(/^`|`$/g, ''))];
      }),
  );
}

async function version(): Promise<number> {
  return readCacheVersion(db);
}

describe('issue 22: the cache-version triggers', () => {
  it('issue 22: the database has exactly the triggers cache-version.ts names, on every table it lists', async () => {
    expect(await listCacheVersionTriggers(db)).toEqual(expectedCacheVersionTriggers(db.$dialect).sort());
  });

  it("issue 22: each update trigger fires on every column of its table but the request path's own", async () => {
    const columns = await triggerColumns();
    for (const { table, watchedColumns } of cacheVersionWatch()) {
      expect([...(columns[table] ?? [])].sort(), table).toEqual([...watchedColumns].sort());
    }
  });

  it('issue 22: creating, changing and deleting a key moves the version; its last use does not', async () => {
    const user = await createUser(
      { db, now: Date.now },
      { email: 'a@home.test', password: 'x'.repeat(12), isAdmin: false },
    );
    const { key } = await createApiKey({ db, now: Date.now }, { userId: user.id, name: 'notes' });
    const created = await version();
    await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, key.id));
    expect(await version()).toBe(created);
    await db.update(apiKeys).set({ subscriptionOnly: true }).where(eq(apiKeys.id, key.id));
    const changed = await version();
    expect(changed).toBeGreaterThan(created);
    await db.delete(apiKeys).where(eq(apiKeys.id, key.id));
    expect(await version()).toBeGreaterThan(changed);
  });

  it("issue 22: a connection's rate limits and refresh lease leave the version; its tokens and state move it", async () => {
    const user = await createUser(
      { db, now: Date.now },
      { email: 'b@home.test', password: 'x'.repeat(12), isAdmin: false },
    );
    const id = randomUUID();
    const now = new Date();
    await db.insert(connections).values({
      ...{ id, userId: user.id, provider: 'chatgpt', method: 'paste', accountId: 'account-1' },
      ...{ accessTokenCiphertext: 'a', refreshTokenCiphertext: 'r', state: 'connected' },
      ...{ connectedAt: now, updatedAt: now },
    });
    const connected = await version();
    // What every answer and every refresh's lease write: the cache stays.
    await db
      .update(connections)
      .set({ refreshLeaseUntil: now, refreshLeaseOwner: 'me', refreshInterruptedAt: now })
      .where(eq(connections.id, id));
    await db
      .update(connections)
      .set({ rateLimits: { primary: 1 }, rateLimitsAt: now })
      .where(eq(connections.id, id));
    expect(await version()).toBe(connected);
    // A refresh's new tokens (issue 22: the token row is cached, so they must be seen on the next request).
    await db
      .update(connections)
      .set({ accessTokenCiphertext: 'a2', refreshTokenCiphertext: 'r2', version: 1, lastRefreshAt: now })
      .where(eq(connections.id, id));
    const refreshed = await version();
    expect(refreshed).toBeGreaterThan(connected);
    await db.update(connections).set({ state: 'reconnect_required' }).where(eq(connections.id, id));
    expect(await version()).toBeGreaterThan(refreshed);
  });

  it('issue 22: a transaction moves the version when it commits, and a rolled-back one leaves it', async () => {
    const user = await createUser(
      { db, now: Date.now },
      { email: 'c@home.test', password: 'x'.repeat(12), isAdmin: false },
    );
    const before = await version();
    await expect(
      withTransaction(db, async (tx) => {
        await tx.update(users).set({ isAdmin: true }).where(eq(users.id, user.id));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await version()).toBe(before);
    await withTransaction(db, async (tx) => {
      await tx.update(users).set({ isAdmin: true }).where(eq(users.id, user.id));
      await tx.update(users).set({ email: 'c2@home.test' }).where(eq(users.id, user.id));
    });
    const after = await version();
    expect(after).toBeGreaterThan(before);
    // PostgreSQL: one bump per transaction, at its commit (deferred triggers: no lock held while it runs).
    if (db.$dialect === 'postgres') expect(after).toBe(before + 1);
  });
});
