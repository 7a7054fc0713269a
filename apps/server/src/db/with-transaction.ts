import { sql } from 'drizzle-orm';
import { type GatewayDatabase, withRawMethods } from './open-database.ts';

export type TransactionOptions = {
  /** PostgreSQL isolation; SQLite transactions are always serializable (one writer). */
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
};

const sqliteQueues = new WeakMap<GatewayDatabase, Promise<unknown>>();

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
    await db.run(sql`begin immediate`);
    try {
      const result = await work(db);
      await db.run(sql`commit`);
      return result;
    } catch (error) {
      await db.run(sql`rollback`);
      throw error;
    }
  });
  sqliteQueues.set(
    db,
    run.catch(() => {}),
  );
  return run;
}
