import { eq } from 'drizzle-orm';
import { connections } from '../db/schema.ts';
import type { ConnectionsContext } from '../domain/connections/connections-context.ts';

/**
 * Makes a connection look as if its access token arrived `seconds` ago (its sign-in time, which is when the token
 * was received until the first refresh). Tests mint tokens that expire soon to exercise refreshing; a real token
 * close to expiry has been held for most of its lifetime, and the refresh window (half the lifetime at most:
 * domain/connections/effective-refresh-window.ts) depends on that.
 */
export async function backdateTokenReceipt(
  context: ConnectionsContext,
  connectionId: string,
  seconds: number,
): Promise<void> {
  await context.db
    .update(connections)
    .set({ connectedAt: new Date(context.now() - seconds * 1000) })
    .where(eq(connections.id, connectionId));
}
