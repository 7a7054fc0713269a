import { and, count, eq } from 'drizzle-orm';
import { connections, users } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { ConnectionsContext } from '../connections/connections-context.ts';
import { disconnectChatgpt } from '../connections/disconnect-chatgpt.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { findUserByEmail, type UserRow } from './find-user.ts';
import { lockUsers } from './lock-users.ts';

/**
 * Deletes a user. Their upstream connections are disconnected first (tokens revoked upstream, best effort), then
 * the row goes and its sessions, API keys and flows go with it (foreign-key cascades).
 *
 * From the settings UI (`keepLastAdmin`) the last admin is never deleted: nobody could manage the gateway there any
 * more. The CLI, run by the operator on the host, may (`user create --admin` makes a new admin).
 */
export async function deleteUser(
  context: ConnectionsContext,
  email: string,
  options: { actorUserId?: string; keepLastAdmin?: boolean } = {},
): Promise<void> {
  const user = await findUserByEmail(context, email);
  const keepLastAdmin = options.keepLastAdmin === true;
  if (keepLastAdmin) await refuseLastAdmin(context.db, user, 'delete');
  const [chatgpt] = await context.db
    .select({ id: connections.id })
    .from(connections)
    .where(and(eq(connections.userId, user.id), eq(connections.provider, 'chatgpt')))
    .limit(1);
  if (chatgpt != null) await disconnectChatgpt(context, { userId: user.id });
  // Checked again with the delete: another admin may have been demoted or deleted meanwhile.
  await withTransaction(context.db, async (tx) => {
    await lockUsers(tx);
    if (keepLastAdmin) await refuseLastAdmin(tx, user, 'delete');
    await tx.delete(users).where(eq(users.id, user.id));
  });
  await recordAuditEvent(context, {
    action: 'user.deleted',
    userId: null,
    detail: { deletedUserId: user.id, ...(options.actorUserId == null ? {} : { byUserId: options.actorUserId }) },
  });
}

/**
 * Throws `conflict` when `user` is the gateway's only admin: it must keep one. The answer holds for the change only
 * in the change's own transaction, after `lockUsers`: then no other change of the admins can come in between.
 */
export async function refuseLastAdmin(
  db: Pick<DomainContext['db'], 'select'>,
  user: UserRow,
  action: 'delete' | 'demote',
): Promise<void> {
  if (!user.isAdmin) return;
  const [row] = await db.select({ total: count() }).from(users).where(eq(users.isAdmin, true));
  const admins = row?.total ?? 0;
  if (admins > 1) return;
  const what = action === 'delete' ? 'deleted' : 'made a member';
  throw new GatewayError(
    'conflict',
    `${user.email} is the only admin and cannot be ${what}: make another user an admin first.`,
  );
}
