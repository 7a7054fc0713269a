import { mkdirSync } from 'node:fs';
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
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const client = new Database(file);
  // WAL lets the CLI write while the server reads; busy_timeout makes the two wait for each other instead of
  // failing with SQLITE_BUSY. foreign_keys is off by default in SQLite and our cascades depend on it.
  client.pragma('journal_mode = WAL');
  client.pragma('busy_timeout = 5000');
  client.pragma('foreign_keys = ON');
  client.pragma('synchronous = NORMAL');
  const db = drizzle({ client, schema });
  migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return db;
}
