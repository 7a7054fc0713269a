import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { BaseSQLiteDatabase } from 'drizzle-orm/sqlite-core';
import type { QueryResult } from 'pg';
import { loadOnce } from '../load-once.ts';
import { SERVER_DIRECTORY } from '../server-directory.ts';
import { ADVISORY_LOCKS } from './advisory-locks.ts';
import * as schema from './schema.ts';

export type DatabaseDialect = 'sqlite' | 'postgres';

/**
 * The gateway's database, SQLite or PostgreSQL (docs/postgres.md). Code is written once against the tables of
 * schema.ts and this type: every query is awaited (never `.get()`, `.all()`, `.run()` or `.values()` on a query
 * builder, which PostgreSQL lacks; `db.all(sql)`, `db.get(sql)` and `db.run(sql)` for raw SQL work on both), and
 * a transaction goes through `withTransaction` (with-transaction.ts). `$dialect` picks dialect-specific SQL where
 * the two differ (docs/postgres.md §3; e.g. domain/cors/json-array-contains.ts).
 */
export type GatewayDatabase = BaseSQLiteDatabase<'async', unknown, typeof schema> & {
  readonly $dialect: DatabaseDialect;
  /** Closes the file or the pool. */
  $close(): Promise<void>;
  /**
   * SQLite only: `sql` prepared on the connection itself, as a function that runs it and returns the first column of
   * its first row, synchronously. For the one read of every request (`readCacheVersion`), where drizzle's result
   * mapping cost as much as the read (issue 22); everything else goes through drizzle.
   */
  readonly $prepareSqliteValue?: (sql: string) => () => unknown;
};

const SQLITE_MIGRATIONS = join(SERVER_DIRECTORY, 'src/db/migrations');
const POSTGRES_MIGRATIONS = join(SERVER_DIRECTORY, 'src/db/migrations-postgres');

/**
 * Opens (creating if needed) the SQLite file, sets the pragmas the gateway relies on and applies the committed
 * migrations. Used by the server and the CLI alike, so both can work on one file at the same time.
 *
 * @param file a path, or `:memory:` for tests
 */
export function openDatabase(file: string): GatewayDatabase {
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // Created by us before SQLite sees it, owner-only: SQLite would create it 0644 (under the usual umask), and it
    // gives the -wal and -shm files it creates next to it the database file's own mode.
    closeSync(openSync(file, 'a', 0o600));
    restrictToOwner(file);
  }
  const client = new Database(file);
  // WAL lets the CLI write while the server reads; busy_timeout makes the two wait for each other instead of
  // failing with SQLITE_BUSY. foreign_keys is off by default in SQLite and our cascades depend on it.
  client.pragma('journal_mode = WAL');
  client.pragma('busy_timeout = 5000');
  client.pragma('foreign_keys = ON');
  client.pragma('synchronous = NORMAL');
  if (file !== ':memory:') {
    // Left behind group- or world-readable by an earlier version (after a crash, they outlive the connection).
    restrictToOwner(`${file}-wal`);
    restrictToOwner(`${file}-shm`);
  }
  const db = drizzleSqlite({ client, schema });
  migrateSqlite(db, { migrationsFolder: SQLITE_MIGRATIONS });
  return Object.assign(db, {
    $dialect: 'sqlite' as const,
    $close: async () => {
      client.close();
    },
    $prepareSqliteValue: (text: string) => {
      const statement = client.prepare(text).pluck();
      return () => statement.get();
    },
  }) as unknown as GatewayDatabase;
}

/**
 * node-postgres and drizzle's PostgreSQL dialect, imported on the first PostgreSQL connection: a gateway on SQLite
 * (the default) never loads their hundred-odd modules (issue 22: start-up time and idle memory).
 */
const loadPostgresModules = loadOnce(async () => {
  const [{ default: pg }, { drizzle }, { migrate }] = await Promise.all([
    import('pg'),
    import('drizzle-orm/node-postgres'),
    import('drizzle-orm/node-postgres/migrator'),
  ]);
  // node-postgres returns int8 and numeric as strings (they may not fit a double). Every bigint the gateway stores
  // is a millisecond time, a count or a 0/1 flag, and its sums fit a double exactly, so they are read as numbers —
  // the values the column mappers of schema.ts expect, the same SQLite gives. Process-wide, as the library allows.
  pg.types.setTypeParser(pg.types.builtins.INT8, Number);
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);
  return { pg, drizzlePostgres: drizzle, migratePostgres: migrate };
});

export type PostgresOptions = {
  poolSize?: number;
  /** How long a query may wait for a free connection of the pool. */
  connectTimeoutMs?: number;
};

/**
 * Connects to PostgreSQL, applies the committed migrations under an advisory lock (replicas starting together wait
 * for each other instead of racing) and returns the same database type SQLite gives.
 */
export async function openPostgresDatabase(url: string, options: PostgresOptions = {}): Promise<GatewayDatabase> {
  const { pg, drizzlePostgres, migratePostgres } = await loadPostgresModules();
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'personal-ai-gateway',
  });
  // An idle client that loses its server (a restart) emits here; without a listener that would crash the process.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    try {
      await client.query('select pg_advisory_lock($1)', [ADVISORY_LOCKS.migrations]);
      try {
        await migratePostgres(drizzlePostgres({ client }), { migrationsFolder: POSTGRES_MIGRATIONS });
      } finally {
        await client.query('select pg_advisory_unlock($1)', [ADVISORY_LOCKS.migrations]);
      }
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  const db = drizzlePostgres({ client: pool, schema: schema as never });
  return withRawMethods(db, {
    $dialect: 'postgres' as const,
    $close: () => pool.end(),
  });
}

/**
 * Gives a PostgreSQL database (or transaction) the raw-SQL methods SQLite's has — `all`, `get`, `run` — so that
 * code written once runs on both. `run` answers `{ changes }` like better-sqlite3.
 */
export function withRawMethods<T extends object>(db: NodePgDatabase<never> | T, extra: object = {}): GatewayDatabase {
  const target = db as unknown as { execute(query: SQL): Promise<QueryResult> };
  return Object.assign(db, extra, {
    all: async (query: SQL) => (await target.execute(query)).rows,
    get: async (query: SQL) => (await target.execute(query)).rows[0],
    run: async (query: SQL) => ({ changes: (await target.execute(query)).rowCount ?? 0 }),
  }) as unknown as GatewayDatabase;
}

/** Where the database is: `GATEWAY_DATABASE_URL` (config.ts) resolved. */
export type DatabaseLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; poolSize: number };

export async function openGatewayDatabase(location: DatabaseLocation): Promise<GatewayDatabase> {
  return location.kind === 'sqlite'
    ? openDatabase(location.file)
    : openPostgresDatabase(location.url, { poolSize: location.poolSize });
}

/** The number of rows an insert, update or delete changed, from either database's answer. */
export function changedRows(result: unknown): number {
  const value = result as { changes?: number; rowCount?: number | null };
  return value.changes ?? value.rowCount ?? 0;
}

/**
 * Takes group and other permissions off a file, if it exists: it holds every user's sessions, key hashes and
 * (encrypted) tokens. Not fatal where it fails (a file owned by another user, a file system without modes): the
 * data directory itself is created 0700.
 */
function restrictToOwner(path: string): void {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats == null || (stats.mode & 0o077) === 0) return;
  try {
    chmodSync(path, stats.mode & 0o700);
  } catch {}
}
