import { existsSync, readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../db/open-database.ts';

/** The whole SQLite database as text, main file and WAL together, to grep for secrets that must not be there. */
export function readDatabaseBytes(databaseFile: string): string {
  return [databaseFile, `${databaseFile}-wal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('');
}

/**
 * Everything the database holds, as text, to grep for secrets that must not be there: on SQLite its file's bytes
 * (readDatabaseBytes: free pages and the WAL included), on PostgreSQL, whose files are the server's, every row of
 * every table of the gateway's schema.
 */
export async function readDatabaseText(db: GatewayDatabase, databaseFile: string): Promise<string> {
  if (db.$dialect === 'sqlite') return readDatabaseBytes(databaseFile);
  const tables = await db.all<{ name: string }>(
    sql`select table_name as name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  );
  const rows = await Promise.all(
    tables.map(({ name }) => db.all<{ text: string }>(sql`select t::text as text from ${sql.identifier(name)} as t`)),
  );
  return rows
    .flat()
    .map((row) => row.text)
    .join('\n');
}
