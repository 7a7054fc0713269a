import { sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../db/open-database.ts';
import { readDatabaseBytes } from './read-database-bytes.ts';

/**
 * Everything the database stores, as text, to grep for secrets that must not be there: on SQLite the file and its WAL
 * (read-database-bytes.ts), on PostgreSQL every row of every table of the gateway's schema (there is no file to
 * read). PostgreSQL prints a row quoting a value that holds quotes, backslashes or spaces; the secrets searched for
 * (tokens, keys, markers) hold none.
 */
export async function readStoredText(db: GatewayDatabase, databaseFile: string): Promise<string> {
  if (db.$dialect === 'sqlite') return readDatabaseBytes(databaseFile);
  const tables = await db.all<{ table_name: string }>(
    sql`select table_name from information_schema.tables
        where table_schema = current_schema() and table_type = 'BASE TABLE'`,
  );
  const texts = await Promise.all(
    tables.map(async ({ table_name }) => {
      const row = await db.get<{ text: string | null }>(
        sql`select string_agg(stored::text, E'\n') as text from ${sql.identifier(table_name)} as stored`,
      );
      return row?.text ?? '';
    }),
  );
  return texts.join('\n');
}
