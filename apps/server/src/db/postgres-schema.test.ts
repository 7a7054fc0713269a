import { getTableConfig as getPostgresConfig } from 'drizzle-orm/pg-core';
import { getTableConfig as getSqliteConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as postgresModule from './postgres-schema.ts';
import { postgresSchema } from './postgres-schema.ts';
import * as schema from './schema.ts';

const sqliteTables = Object.entries(schema).filter(([, value]) => {
  try {
    getSqliteConfig(value as SQLiteTable);
    return true;
  } catch {
    return false;
  }
}) as [string, SQLiteTable][];

describe('the PostgreSQL schema derived from schema.ts', () => {
  it('has every table with the same columns, keys and nullability', () => {
    expect(Object.keys(postgresSchema).sort()).toEqual(sqliteTables.map(([name]) => name).sort());
    // drizzle-kit only sees named exports: a table missing there would get no PostgreSQL migration.
    for (const name of Object.keys(postgresSchema)) expect(postgresModule, name).toHaveProperty(name);
    for (const [name, table] of sqliteTables) {
      const sqlite = getSqliteConfig(table);
      const postgres = getPostgresConfig(postgresSchema[name] as never);
      expect(postgres.name).toBe(sqlite.name);
      const shape = (columns: { name: string; notNull: boolean; primary: boolean }[]) =>
        columns.map((column) => [column.name, column.notNull || column.primary, column.primary]).sort();
      expect(shape(postgres.columns), sqlite.name).toEqual(shape(sqlite.columns));
      expect(postgres.foreignKeys.length, sqlite.name).toBe(sqlite.foreignKeys.length);
      expect(postgres.indexes.map((index) => index.config.name).sort(), sqlite.name).toEqual(
        sqlite.indexes.map((index) => index.config.name).sort(),
      );
    }
  });
});
