import { sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../../db/open-database.ts';

/** Any number, distinct from the other advisory locks of the gateway (the migration lock, open-database.ts). */
const CONNECTIONS_LOCK = 7_402_911_340;

/**
 * Makes the saving of a new sign-in (ChatGPT or Google) take turns with every other until the transaction `tx`
 * ends. Each save reads, then writes: "no other user holds this account", "this user's row is that one, replace it".
 * Under PostgreSQL's read committed, two at once (on one replica or two) would each read the state before the
 * other's write: two users holding one ChatGPT account, or the second insert of one user's row failing on the
 * unique index. Sign-ins are rare, so one lock for all of them costs nothing. SQLite needs nothing: `begin
 * immediate` (db/with-transaction.ts) takes its one write lock before the first read.
 */
export async function lockConnectionWrites(tx: GatewayDatabase): Promise<void> {
  if (tx.$dialect !== 'postgres') return;
  await tx.run(sql`select pg_advisory_xact_lock(${CONNECTIONS_LOCK})`);
}
