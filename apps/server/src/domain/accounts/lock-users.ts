import { sql } from 'drizzle-orm';
import { lockUntilCommit } from '../../db/advisory-locks.ts';
import type { GatewayDatabase } from '../../db/open-database.ts';

/**
 * Makes changes to who the users and admins are (creating, deleting, promoting, demoting a user) take turns until
 * the transaction `tx` ends. Each of them reads, then writes: "no user yet, so this one is the admin", "another
 * admin is left, so this one may go". Under PostgreSQL's read committed, two at once (two setups, two admins
 * demoting each other, on one replica or two) would each read the state before the other's write and leave two
 * first admins or none. SQLite needs nothing: `begin immediate` (with-transaction.ts) takes its one write lock
 * before the first read.
 */
export function lockUsers(tx: GatewayDatabase): Promise<void> {
  return lockUntilCommit(tx, 'users');
}

/**
 * Makes writes that check a per-user limit first (at most so many API keys, features) take turns for that user
 * until the transaction `tx` ends, by locking the user's row: under PostgreSQL's read committed two requests at once
 * would both count one below the limit and both insert. SQLite's `begin immediate` already serializes them.
 */
export async function lockUserRow(tx: GatewayDatabase, userId: string): Promise<void> {
  if (tx.$dialect !== 'postgres') return;
  await tx.run(sql`select id from users where id = ${userId} for update`);
}
