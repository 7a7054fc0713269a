import { and, eq } from 'drizzle-orm';
import { connections, users } from '../../db/schema.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { disconnectChatgpt } from '../connections/disconnect-chatgpt.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { findUserByEmail } from './find-user.ts';

/**
 * Deletes a user. Their upstream connections are disconnected first (tokens revoked upstream, best effort), then
 * the row goes and its sessions, API keys and flows go with it (foreign-key cascades).
 */
export async function deleteUser(context: ConnectionsContext, email: string): Promise<void> {
  const user = findUserByEmail(context, email);
  const hasChatgpt =
    context.db
      .select({ id: connections.id })
      .from(connections)
      .where(and(eq(connections.userId, user.id), eq(connections.provider, 'chatgpt')))
      .get() != null;
  if (hasChatgpt) await disconnectChatgpt(context, { userId: user.id });
  context.db.delete(users).where(eq(users.id, user.id)).run();
  recordAuditEvent(context, { action: 'user.deleted', userId: null, detail: { deletedUserId: user.id } });
}
