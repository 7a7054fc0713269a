import { sql } from 'drizzle-orm';
import type { GatewayDatabase } from './open-database.ts';

/** The gateway's PostgreSQL advisory lock keys, in one place so that no two share a number. Any numbers. */
export const ADVISORY_LOCKS = {
  /** Migrations at start: replicas starting together apply them one after the other (open-database.ts). */
  migrations: 7_402_911_335,
  /** Tests: one worker builds the migrated template database (test/open-test-database.ts). */
  testTemplate: 7_402_911_336,
  /** Who the users and admins are (domain/accounts/lock-users.ts). */
  users: 7_402_911_337,
  /** Saving a new sign-in (domain/connections/lock-connection-writes.ts). */
  connectionWrites: 7_402_911_340,
} as const;

/**
 * Makes transactions taking the same lock run one after the other until `tx` ends, on every replica. SQLite needs
 * nothing: `begin immediate` (with-transaction.ts) takes its one write lock before the first read.
 */
export async function lockUntilCommit(tx: GatewayDatabase, lock: keyof typeof ADVISORY_LOCKS): Promise<void> {
  if (tx.$dialect !== 'postgres') return;
  await tx.run(sql`select pg_advisory_xact_lock(${ADVISORY_LOCKS[lock]})`);
}
