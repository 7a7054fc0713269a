import { is, SQL, sql } from 'drizzle-orm';
import {
  bigint,
  doublePrecision,
  foreignKey,
  index,
  type PgColumnBuilderBase,
  type PgTableExtraConfigValue,
  type PgTableWithColumns,
  pgTable,
  primaryKey,
  text,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as sqliteSchema from './schema.ts';

// biome-ignore lint/suspicious/noExplicitAny: a table of any shape; the typed tables are schema.ts's.
type AnyPostgresTable = PgTableWithColumns<any>;

/**
 * The PostgreSQL tables, derived from the SQLite ones in schema.ts so the two can never drift (docs/postgres.md §2).
 * The gateway runs the same drizzle table objects against both databases; for that, every column is stored on
 * PostgreSQL exactly as on SQLite: timestamps as integer milliseconds (bigint), booleans as 0/1 (bigint), JSON as
 * text. A row therefore copies between the two byte for byte (`gateway db copy`), and the column encoders of
 * schema.ts produce values both databases accept. This file exists for drizzle-kit, which writes the PostgreSQL
 * migrations from it (drizzle.postgres.config.ts), and for the test that compares the two.
 */
function toPostgresTable(table: SQLiteTable): AnyPostgresTable {
  const config = getTableConfig(table);
  const columns: Record<string, PgColumnBuilderBase> = {};
  const byName = new Map<string, string>();
  for (const [key, column] of Object.entries(table) as [string, unknown][]) {
    if (!config.columns.includes(column as SQLiteColumn)) continue;
    const sqliteColumn = column as SQLiteColumn;
    byName.set(sqliteColumn.name, key);
    columns[key] = toPostgresColumn(sqliteColumn, config.name);
  }
  return pgTable(config.name, columns, (pg): PgTableExtraConfigValue[] => {
    const column = (c: SQLiteColumn) => pg[byName.get(c.name) as string] as never;
    return [
      ...config.indexes.map((sqliteIndex) => {
        const { name, columns: on, unique: isUnique } = sqliteIndex.config;
        const builder = isUnique ? uniqueIndex(name) : index(name);
        return builder.on(...(on.map((c) => column(c as SQLiteColumn)) as [never]));
      }),
      ...config.primaryKeys.map((key) =>
        primaryKey({ name: key.getName(), columns: key.columns.map(column) as [never] }),
      ),
      ...config.uniqueConstraints.map((constraint) =>
        unique(constraint.getName()).on(...(constraint.columns.map(column) as [never])),
      ),
      ...config.foreignKeys.map((key) => {
        const reference = key.reference();
        const target: AnyPostgresTable | undefined = postgresTables.get(reference.foreignTable);
        if (target === undefined) throw new Error(`${config.name}: a foreign key to a table declared after it`);
        const foreignColumns: never[] = reference.foreignColumns.map(
          (c) => (target as unknown as Record<string, unknown>)[keyOf(reference.foreignTable, c)] as never,
        );
        return foreignKey({
          name: key.getName(),
          columns: reference.columns.map(column) as [never],
          foreignColumns: foreignColumns as [never],
        })
          .onDelete(key.onDelete ?? 'no action')
          .onUpdate(key.onUpdate ?? 'no action');
      }),
    ];
  });
}

function keyOf(table: SQLiteTable, column: SQLiteColumn): string {
  for (const [key, value] of Object.entries(table)) if (value === column) return key;
  throw new Error(`column ${column.name} not found`);
}

function toPostgresColumn(column: SQLiteColumn, tableName: string): PgColumnBuilderBase {
  // biome-ignore lint/suspicious/noExplicitAny: each modifier returns a differently typed builder; the result is checked by drizzle-kit and the schema test.
  let builder: any;
  switch (column.columnType) {
    case 'SQLiteInteger':
    case 'SQLiteTimestamp':
    case 'SQLiteBoolean':
      builder = bigint(column.name, { mode: 'number' });
      if (column.primary && (column as unknown as { autoIncrement?: boolean }).autoIncrement)
        builder = builder.generatedByDefaultAsIdentity();
      break;
    case 'SQLiteReal':
      builder = doublePrecision(column.name);
      break;
    case 'SQLiteText':
    case 'SQLiteTextJson':
      builder = text(column.name);
      break;
    default:
      throw new Error(`${tableName}.${column.name}: no PostgreSQL mapping for ${column.columnType}`);
  }
  if (column.primary) builder = builder.primaryKey();
  if (column.notNull && !column.primary) builder = builder.notNull();
  if (column.isUnique) builder = builder.unique(column.uniqueName);
  if (column.hasDefault && column.default !== undefined) builder = builder.default(toPostgresDefault(column) as never);
  return builder;
}

/** The one SQL default schema.ts uses, `(unixepoch() * 1000)`, and plain values as SQLite stores them. */
function toPostgresDefault(column: SQLiteColumn): unknown {
  const value = column.default;
  if (is(value, SQL)) {
    const text = value.queryChunks.map((chunk) => (chunk as { value?: string[] }).value?.join('') ?? '').join('');
    if (text === '(unixepoch() * 1000)') return sql`(floor(extract(epoch from clock_timestamp()) * 1000))::bigint`;
    if (/^'[^']*'$/.test(text)) return sql.raw(text);
    throw new Error(`${column.name}: no PostgreSQL form of the default ${text}`);
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

const postgresTables = new Map<SQLiteTable, AnyPostgresTable>();
for (const value of Object.values(sqliteSchema)) {
  if (typeof value === 'object' && value !== null && getTableName(value) !== undefined)
    postgresTables.set(value as SQLiteTable, toPostgresTable(value as SQLiteTable));
}

function getTableName(value: object): string | undefined {
  try {
    return getTableConfig(value as SQLiteTable).name;
  } catch {
    return undefined;
  }
}

/** Every table, keyed by the export name it has in schema.ts (what drizzle-kit reads). */
export const postgresSchema: Record<string, AnyPostgresTable> = Object.fromEntries(
  Object.entries(sqliteSchema).flatMap(([name, value]) => {
    const table = postgresTables.get(value as SQLiteTable);
    return table === undefined ? [] : [[name, table]];
  }),
);

// Named exports, for drizzle-kit (it reads a schema file's exports); the schema test checks none is missing.
export const {
  users,
  sessions,
  apiKeys,
  auditLog,
  signInFlows,
  connections,
  apiCredentials,
  userSettings,
  gettingStartedProgress,
  operatorSettings,
  featureOverrides,
  userFeatures,
  googleOAuthClients,
  oauthRecords,
  appPolicies,
  registeredApps,
  usageEvents,
  usageCustomPrices,
  quotaSnapshots,
  modelAliases,
  rateLimitCounters,
  signInFailures,
  leases,
  gatewayMeta,
} = postgresSchema;
