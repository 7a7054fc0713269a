import { sql } from 'drizzle-orm';
import { type GatewayDatabase, withRawMethods } from './open-database.ts';

export type TransactionOptions = {
  /** PostgreSQL isolation; SQLite transactions are always serializable (one writer). */
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
};

const sqliteQueues = new WeakMap<GatewayDatabase, Promise<unknown>>();
const sqliteEpochs = new WeakMap<GatewayDatabase, number>();

/**
 * Counts the SQLite transactions of this process on `db`: odd while one is open, moved by every begin and every end.
 * On SQLite this process's reads share the transaction's one connection and so see its uncommitted writes; the
 * request cache (domain/read-cache) keeps a read only when the count was even and unchanged around it, so nothing a
 * rollback takes back is ever cached. Always 0 on PostgreSQL, whose reads run outside any transaction of ours.
 */
export function transactionEpoch(db: GatewayDatabase): number {
  return sqliteEpochs.get(db) ?? 0;
}

function moveEpoch(db: GatewayDatabase): void {
  sqliteEpochs.set(db, transactionEpoch(db) + 1);
}

/**
 * Runs `work` in one transaction on either database and returns its result; a throw rolls everything back.
 *
 * PostgreSQL: drizzle's transaction on a connection of the pool.
 * SQLite: better-sqlite3 only runs synchronous transactions, and `work` awaits its queries, so this opens one with
 * `begin immediate` (taking the write lock at once, as a writer must to not deadlock with another process) on the
 * single connection, and queues transactions of this process one after another. `work` must await only database
 * work: anything else would hold the one connection's transaction open (docs/postgres.md §3).
 */
export async function withTransaction<T>(
  db: GatewayDatabase,
  work: (tx: GatewayDatabase) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  if (db.$dialect === 'postgres') {
    const postgres = db as unknown as {
      transaction<R>(run: (tx: object) => Promise<R>, config?: { isolationLevel?: string }): Promise<R>;
    };
    return postgres.transaction(
      (tx) => work(withRawMethods(tx, { $dialect: 'postgres', $close: db.$close })),
      options.isolation === undefined ? undefined : { isolationLevel: options.isolation },
    );
  }
  const previous = sqliteQueues.get(db) ?? Promise.resolve();
  const run = previous.then(async () => {
    moveEpoch(db);
    try {
      await db.run(sql`begin immediate`);
      try {
        const result = await work(db);
        await db.run(sql`commit`);
        return result;
      } catch (error) {
        await db.run(sql`rollback`);
        throw error;
      }
    } finally {
      moveEpoch(db);
    }
  });
  sqliteQueues.set(
    db,
    run.catch(() => {}),
  );
  return run;
}
