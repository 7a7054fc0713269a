import { lockUntilCommit } from '../../db/advisory-locks.ts';
import type { GatewayDatabase } from '../../db/open-database.ts';

/**
 * Makes the saving of a new sign-in (ChatGPT or Google) take turns with every other until the transaction `tx`
 * ends. Each save reads, then writes: "no other user holds this account", "this user's row is that one, replace it".
 * Under PostgreSQL's read committed, two at once (on one replica or two) would each read the state before the
 * other's write: two users holding one ChatGPT account, or the second insert of one user's row failing on the
 * unique index. Sign-ins are rare, so one lock for all of them costs nothing. SQLite needs nothing: `begin
 * immediate` (db/with-transaction.ts) takes its one write lock before the first read.
 */
export function lockConnectionWrites(tx: GatewayDatabase): Promise<void> {
  return lockUntilCommit(tx, 'connectionWrites');
}
