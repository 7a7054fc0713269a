import type { Vault } from '@pag/vault';
import { asc, count, getTableColumns, gt, type SQL, sql } from 'drizzle-orm';
import { getTableConfig, type SQLiteColumn, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { GatewayDatabase } from '../../db/open-database.ts';
import * as schema from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import { listEncryptedValues } from '../vault/encrypted-columns.ts';

/** The target already holds data, or the copy did not verify: its transaction rolled back, the target is as it was. */
export class DatabaseCopyError extends Error {
  override name = 'DatabaseCopyError';
}

export type DatabaseCopyReport = {
  tables: { name: string; rows: number }[];
  /** Ciphertexts on the target that decrypted with the configured key (all of them, or the copy failed). */
  secretsVerified: number;
  /** The key ids those secrets are under (one, unless a key rotation is unfinished). */
  keyIds: string[];
};

/**
 * Rows per read and per insert: each insert binds rows × columns parameters, which must stay under SQLite's 32,766
 * (PostgreSQL allows 65,535), whatever the table's width; past 1,000 rows a batch saves nothing measurable.
 */
const MAX_PARAMETERS = 30_000;
const MAX_BATCH_ROWS = 1_000;

/**
 * Copies every table of one gateway database into another, empty one — SQLite to PostgreSQL or back (`gateway db
 * copy`, docs/postgres.md §7). Rows go through the same table definitions on both sides, so each value is stored
 * exactly as before: ciphertexts are copied as they are, never decrypted and re-encrypted. Parents before children
 * (foreign keys), then it verifies: row counts per table equal, and every secret on the target decrypts with
 * `vault` (the key the target's replicas will run with).
 *
 * All of it is one transaction on the target — the emptiness check, the rows, the identity sequences and the
 * verification — so a refusal at any step leaves the target exactly as it was, never half-written nor written and
 * unverified.
 */
export async function copyDatabase(
  source: GatewayDatabase,
  target: GatewayDatabase,
  options: {
    vault: Vault;
    /** Rows per batch, below the one each table's width allows (tests: small tables then cross batches too). */
    batchRows?: number;
  },
): Promise<DatabaseCopyReport> {
  const tables = tablesInForeignKeyOrder();
  return withTransaction(target, async (tx) => {
    for (const table of tables) {
      const rows = await countRows(tx, table);
      if (rows > 0) {
        throw new DatabaseCopyError(
          `The target database is not empty (table ${getTableConfig(table).name} has ${rows} ${rows === 1 ? 'row' : 'rows'}): copy into a new, empty database.`,
        );
      }
    }
    const copied: { name: string; rows: number }[] = [];
    for (const table of tables)
      copied.push({ name: getTableConfig(table).name, rows: await copyTable(source, tx, table, options.batchRows) });
    if (target.$dialect === 'postgres') await advanceIdentitySequences(tx, tables);

    for (const table of tables) {
      const [sourceRows, targetRows] = [await countRows(source, table), await countRows(tx, table)];
      if (sourceRows !== targetRows) {
        throw new DatabaseCopyError(
          `Table ${getTableConfig(table).name}: ${sourceRows} rows in the source but ${targetRows} copied, nothing was kept. Is a gateway still writing to the source? Stop it and copy again.`,
        );
      }
    }
    const secrets = await listEncryptedValues(tx);
    const unreadable = secrets.filter((secret) => {
      try {
        options.vault.decrypt(secret.ciphertext, { context: secret.context });
        return false;
      } catch {
        return true;
      }
    });
    if (unreadable.length > 0) {
      const where = unreadable
        .slice(0, 5)
        .map((secret) => `${secret.table}.${secret.column} of ${secret.id}`)
        .join(', ');
      throw new DatabaseCopyError(
        `${unreadable.length} of ${secrets.length} secrets on the target do not decrypt with the configured key (${where}), nothing was kept: run with the key the source was written with.`,
      );
    }
    const keyIds = [...new Set(secrets.map((secret) => options.vault.keyIdOf(secret.ciphertext)))];
    return { tables: copied, secretsVerified: secrets.length, keyIds };
  });
}

async function countRows(db: GatewayDatabase, table: SQLiteTable): Promise<number> {
  const [row] = await db.select({ rows: count() }).from(table);
  return row?.rows ?? 0;
}

/**
 * Copies one table in batches, in primary-key order. Each batch starts after the last key of the one before, not at
 * an offset: both databases reach an offset by stepping over every row before it, so each batch of a large usage
 * ledger would cost more than the last.
 */
async function copyTable(
  source: GatewayDatabase,
  tx: GatewayDatabase,
  table: SQLiteTable,
  maxBatchRows = MAX_BATCH_ROWS,
): Promise<number> {
  const columns = getTableColumns(table);
  const keys = primaryKeyColumns(table).map((column) => {
    const property = Object.keys(columns).find((name) => columns[name] === column);
    if (property == null) throw new Error(`${getTableConfig(table).name}: primary key column ${column.name} not found`);
    return { column, property };
  });
  // Batches continue after a key; a table without one could not be walked (schema.ts gives every table one).
  if (keys.length === 0) throw new Error(`${getTableConfig(table).name} has no primary key to copy it by`);
  const batchRows = Math.min(maxBatchRows, Math.floor(MAX_PARAMETERS / Object.keys(columns).length));
  let rows = 0;
  let after: Record<string, unknown> | undefined;
  for (;;) {
    const batch: Record<string, unknown>[] = await source
      .select()
      .from(table)
      .where(after === undefined ? undefined : keyAfter(keys, after))
      .orderBy(...keys.map(({ column }) => asc(column)))
      .limit(batchRows);
    if (batch.length === 0) return rows;
    await tx.insert(table).values(batch as never);
    rows += batch.length;
    if (batch.length < batchRows) return rows;
    after = batch.at(-1);
  }
}

/** Rows whose key comes after `row`'s, in the order of `asc` on the key: a row-value comparison for composite keys. */
function keyAfter(keys: { column: SQLiteColumn; property: string }[], row: Record<string, unknown>): SQL {
  const [only] = keys;
  if (keys.length === 1 && only !== undefined) return gt(only.column, row[only.property]);
  const columns = sql.join(
    keys.map(({ column }) => column),
    sql`, `,
  );
  const values = sql.join(
    keys.map(({ column, property }) => sql.param(row[property], column)),
    sql`, `,
  );
  return sql`(${columns}) > (${values})`;
}

/** schema.ts's tables, each after every table its foreign keys point to. */
function tablesInForeignKeyOrder(): SQLiteTable[] {
  const all = Object.values(schema).filter(isTable);
  const ordered: SQLiteTable[] = [];
  const visit = (table: SQLiteTable, path: Set<SQLiteTable>) => {
    if (ordered.includes(table)) return;
    if (path.has(table)) throw new Error(`foreign key cycle through ${getTableConfig(table).name}`);
    path.add(table);
    for (const key of getTableConfig(table).foreignKeys) {
      const parent = key.reference().foreignTable;
      if (parent !== table) visit(parent, path);
    }
    path.delete(table);
    ordered.push(table);
  };
  for (const table of all) visit(table, new Set());
  return ordered;
}

function isTable(value: unknown): value is SQLiteTable {
  try {
    getTableConfig(value as SQLiteTable);
    return true;
  } catch {
    return false;
  }
}

function primaryKeyColumns(table: SQLiteTable) {
  const config = getTableConfig(table);
  const single = Object.values(getTableColumns(table)).filter((column) => column.primary);
  return single.length > 0 ? single : (config.primaryKeys[0]?.columns ?? []);
}

/**
 * Rows copied with their ids leave PostgreSQL's identity sequences at 1: the next insert would collide. Each
 * sequence continues after the largest copied id.
 */
async function advanceIdentitySequences(tx: GatewayDatabase, tables: SQLiteTable[]): Promise<void> {
  for (const table of tables) {
    const config = getTableConfig(table);
    for (const column of config.columns) {
      if (!(column.primary && (column as unknown as { autoIncrement?: boolean }).autoIncrement)) continue;
      await tx.run(
        sql`select setval(pg_get_serial_sequence(${config.name}, ${column.name}), coalesce((select max(${sql.identifier(column.name)}) from ${sql.identifier(config.name)}), 0) + 1, false)`,
      );
    }
  }
}
