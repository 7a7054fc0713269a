import type { Vault } from '@pag/vault';
import { asc, count, getTableColumns, sql } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { GatewayDatabase } from '../../db/open-database.ts';
import * as schema from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import { listEncryptedValues } from '../vault/encrypted-columns.ts';

/** The target already holds data, or the copy did not verify: nothing was (or should be) used. */
export class DatabaseCopyError extends Error {
  override name = 'DatabaseCopyError';
}

export type DatabaseCopyReport = {
  tables: { name: string; rows: number }[];
  /** Ciphertexts on the target that decrypted with the configured key (all of them, or the copy failed). */
  secretsVerified: number;
};

/** Rows per insert: well under PostgreSQL's 65,535 parameters for the widest table (26 columns). */
const BATCH_ROWS = 500;

/**
 * Copies every table of one gateway database into another, empty one — SQLite to PostgreSQL or back (`gateway db
 * copy`, docs/postgres.md §7). Rows go through the same table definitions on both sides, so each value is stored
 * exactly as before: ciphertexts are copied as they are, never decrypted and re-encrypted. Parents before children
 * (foreign keys), one transaction on the target, then it verifies: row counts per table equal, and every secret on
 * the target decrypts with `vault` (the key the target's replicas will run with).
 */
export async function copyDatabase(
  source: GatewayDatabase,
  target: GatewayDatabase,
  options: { vault: Vault },
): Promise<DatabaseCopyReport> {
  const tables = tablesInForeignKeyOrder();
  for (const table of tables) {
    const [row] = await target.select({ rows: count() }).from(table);
    if ((row?.rows ?? 0) > 0) {
      throw new DatabaseCopyError(
        `The target database is not empty (table ${getTableConfig(table).name} has ${row?.rows} rows): copy into a new, empty database.`,
      );
    }
  }
  const copied: { name: string; rows: number }[] = [];
  await withTransaction(target, async (tx) => {
    for (const table of tables) {
      const config = getTableConfig(table);
      const orderBy = primaryKeyColumns(table).map((column) => asc(column));
      let rows = 0;
      for (let offset = 0; ; offset += BATCH_ROWS) {
        const batch = await source
          .select()
          .from(table)
          .orderBy(...orderBy)
          .limit(BATCH_ROWS)
          .offset(offset);
        if (batch.length === 0) break;
        await tx.insert(table).values(batch as never);
        rows += batch.length;
        if (batch.length < BATCH_ROWS) break;
      }
      copied.push({ name: config.name, rows });
    }
    if (target.$dialect === 'postgres') await advanceIdentitySequences(tx, tables);
  });

  for (const table of tables) {
    const name = getTableConfig(table).name;
    const [sourceCount] = await source.select({ rows: count() }).from(table);
    const [targetCount] = await target.select({ rows: count() }).from(table);
    if (sourceCount?.rows !== targetCount?.rows) {
      throw new DatabaseCopyError(
        `Table ${name}: ${sourceCount?.rows} rows in the source but ${targetCount?.rows} in the target.`,
      );
    }
  }
  const secrets = await listEncryptedValues(target);
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
      `${unreadable.length} of ${secrets.length} secrets on the target do not decrypt with the configured key (${where}): run with the key the source was written with.`,
    );
  }
  return { tables: copied, secretsVerified: secrets.length };
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
