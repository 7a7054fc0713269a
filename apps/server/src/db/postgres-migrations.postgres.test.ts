import { sql } from 'drizzle-orm';
import { getTableConfig as getSqliteConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { openTestDatabase } from '../test/open-test-database.ts';
import { cacheVersion } from './cache-version.ts';
import * as schema from './schema.ts';

// schema.ts's tables, and the request cache's counter, which a custom migration creates outside it (cache-version.ts).
const sqliteTables = [...Object.values(schema), cacheVersion].flatMap((value) => {
  try {
    return [getSqliteConfig(value as SQLiteTable)];
  } catch {
    return [];
  }
});

describe('the committed PostgreSQL migrations', () => {
  // Catches a schema change whose PostgreSQL migration was not generated (`pnpm db:generate` writes both).
  it('matches what the committed PostgreSQL migrations create', async () => {
    const db = await openTestDatabase();
    try {
      const rows = await db.all<{ table_name: string; column_name: string; data_type: string }>(
        sql`select table_name, column_name, data_type from information_schema.columns
          where table_schema = 'public' and table_name not like '__drizzle%'`,
      );
      const created = rows.map((row) => `${row.table_name}.${row.column_name}`).sort();
      const declared = sqliteTables.flatMap((config) =>
        config.columns.map((column) => `${config.name}.${column.name}`),
      );
      expect(created).toEqual(declared.sort());
      expect(new Set(rows.map((row) => row.data_type))).toEqual(new Set(['bigint', 'text', 'double precision']));
    } finally {
      await db.$close();
    }
  });
});
