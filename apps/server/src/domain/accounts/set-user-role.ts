import type { User } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { refuseLastAdmin } from './delete-user.ts';
import { lockUsers } from './lock-users.ts';
import { toUserDto } from './to-user-dto.ts';

/**
 * Makes a user an admin or a member. The last admin stays one (checked in the same transaction as the change), so
 * the gateway always has someone who can manage it.
 */
export async function setUserRole(
  context: DomainContext,
  options: { userId: string; isAdmin: boolean; actorUserId: string },
): Promise<User> {
  const { before, after } = await withTransaction(context.db, async (tx) => {
    await lockUsers(tx);
    const [user] = await tx.select().from(users).where(eq(users.id, options.userId)).limit(1);
    if (user == null) throw new GatewayError('not_found', 'No such user: it may have been deleted.');
    if (!options.isAdmin) await refuseLastAdmin(tx, user, 'demote');
    const [updated] = await tx
      .update(users)
      .set({ isAdmin: options.isAdmin, updatedAt: new Date(context.now()) })
      .where(eq(users.id, user.id))
      .returning();
    if (updated == null) throw new GatewayError('not_found', 'No such user: it may have been deleted.');
    return { before: user, after: updated };
  });
  if (before.isAdmin !== after.isAdmin) {
    await recordAuditEvent(context, {
      action: 'user.role_changed',
      userId: after.id,
      detail: { isAdmin: after.isAdmin, byUserId: options.actorUserId },
    });
  }
  return toUserDto(after);
}
