import { eq, sql } from 'drizzle-orm';
import { getTableConfig, integer, type SQLiteColumn, type SQLiteTable, sqliteTable } from 'drizzle-orm/sqlite-core';
import type { GatewayDatabase } from './open-database.ts';
import { preparedQuery } from './prepared-query.ts';
import {
  apiCredentials,
  apiKeys,
  appPolicies,
  connections,
  featureOverrides,
  modelAliases,
  oauthRecords,
  usageCustomPrices,
  userFeatures,
  userSettings,
  users,
} from './schema.ts';

/**
 * One row, one counter: bumped by database triggers in the same transaction as every write to a table that the
 * request cache (domain/read-cache, docs/request-cache.md) keeps reads of. Whoever writes — this process, another
 * replica, the CLI, `vault rotate-key`, a hand-written SQL statement — moves it, so a process that reads it at the
 * start of a request knows whether anything it cached may have changed.
 *
 * Not in schema.ts on purpose: it is the database's own bookkeeping, not gateway data. `gateway db copy` copies
 * schema.ts's tables, and each database keeps its own counter (the copy's inserts move the target's). Created, with
 * its triggers, by the custom migrations `0020_cache-version` (SQLite) and `0002_cache-version` (PostgreSQL).
 */
export const cacheVersion = sqliteTable('cache_version', {
  id: integer('id').primaryKey(),
  value: integer('value').notNull(),
});

/**
 * The tables whose writes bump the counter, each with the columns whose update does not: what the request path
 * writes itself (a key's `last_used_at`, a connection's refreshed tokens, leases and rate limits) would otherwise
 * empty the cache on every request. A cached read must use only the other columns (a test checks the connection
 * read: domain/connections/list-connection-refs.test.ts). A column added to one of these tables bumps the counter only
 * once a migration adds it to its trigger; until then the test of this list against the database fails.
 */
export const CACHE_VERSION_TABLES: readonly { table: SQLiteTable; ignoredColumns: readonly SQLiteColumn[] }[] = [
  { table: users, ignoredColumns: [] },
  { table: apiKeys, ignoredColumns: [apiKeys.lastUsedAt] },
  { table: userSettings, ignoredColumns: [] },
  { table: apiCredentials, ignoredColumns: [] },
  {
    table: connections,
    // The request path writes the rate limits of every answer, and a refresh's lease is taken, renewed every few
    // seconds and released around it: those columns leave the counter. The tokens, their expiry and the state move
    // it, so a connection's token row is cached too (issue 22): a refresh, here or in another process, empties the
    // cache — once an hour or so per account — and the next request reads the new token.
    ignoredColumns: [
      connections.refreshLeaseUntil,
      connections.refreshLeaseOwner,
      connections.refreshInterruptedAt,
      connections.rateLimits,
      connections.rateLimitsAt,
    ],
  },
  { table: modelAliases, ignoredColumns: [] },
  { table: featureOverrides, ignoredColumns: [] },
  { table: userFeatures, ignoredColumns: [] },
  { table: usageCustomPrices, ignoredColumns: [] },
  { table: appPolicies, ignoredColumns: [] },
  { table: oauthRecords, ignoredColumns: [] },
];

/** A table of the list by SQL name, with the names of the columns whose update bumps the counter. */
export function cacheVersionWatch(): { table: string; watchedColumns: string[] }[] {
  return CACHE_VERSION_TABLES.map(({ table, ignoredColumns }) => {
    const config = getTableConfig(table);
    const ignored = new Set(ignoredColumns.map((column) => column.name));
    return { table: config.name, watchedColumns: config.columns.map((c) => c.name).filter((c) => !ignored.has(c)) };
  });
}

/** The triggers the migrations create: on SQLite one per table and event, on PostgreSQL one per table. */
export function expectedCacheVersionTriggers(dialect: GatewayDatabase['$dialect']): string[] {
  return cacheVersionWatch().flatMap(({ table }) =>
    dialect === 'postgres'
      ? [`cache_version_${table}`]
      : ['insert', 'update', 'delete'].map((event) => `cache_version_${table}_${event}`),
  );
}

/** The cache-version triggers the database has, by name. */
export async function listCacheVersionTriggers(db: GatewayDatabase): Promise<string[]> {
  const rows =
    db.$dialect === 'postgres'
      ? await db.all<{ name: string }>(sql`select tgname as name from pg_trigger where not tgisinternal`)
      : await db.all<{ name: string }>(sql`select name from sqlite_master where type = 'trigger'`);
  return rows
    .map((row) => row.name)
    .filter((name) => name.startsWith('cache_version_'))
    .sort();
}

const selectCacheVersion = preparedQuery('select_cache_version', (db) =>
  db.select({ value: cacheVersion.value }).from(cacheVersion).where(eq(cacheVersion.id, 1)),
);

/** The SQLite connection's own statement for the counter, prepared once per connection. */
const sqliteVersionReaders = new WeakMap<GatewayDatabase, () => unknown>();

/**
 * The counter as committed now (one indexed single-row read). On SQLite it is better-sqlite3's own prepared
 * statement, run synchronously: drizzle's `execute` wraps the answer in its query promise and result cache hooks,
 * and even its prepared query's `.all()` maps the row through drizzle's field list — together 15 µs more than the
 * read, measured in the request path on every request (issue 22, interleaved A/B in one process: 32.9 against
 * 17.5 µs).
 */
export async function readCacheVersion(db: GatewayDatabase): Promise<number> {
  let value: unknown;
  if (db.$prepareSqliteValue != null) {
    let read = sqliteVersionReaders.get(db);
    if (read == null) {
      read = db.$prepareSqliteValue('select "value" from "cache_version" where "id" = 1');
      sqliteVersionReaders.set(db, read);
    }
    value = read();
  } else {
    // PostgreSQL (its driver has no synchronous read), or a SQLite handle made elsewhere (tests).
    const [row] = await selectCacheVersion(db).execute();
    value = row?.value;
  }
  if (typeof value !== 'number') throw new Error('the cache_version row is missing: the database was not migrated');
  return value;
}
