import { chmodSync, closeSync, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { type BetterSQLite3Database, drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import * as schema from './schema.ts';

export type GatewayDatabase = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));

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
  const db = drizzle({ client, schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
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
