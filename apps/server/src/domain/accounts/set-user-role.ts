import type { User } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { refuseLastAdmin } from './delete-user.ts';
import { toUserDto } from './to-user-dto.ts';

/**
 * Makes a user an admin or a member. The last admin stays one (checked in the same transaction as the change), so
 * the gateway always has someone who can manage it.
 */
export function setUserRole(
  context: DomainContext,
  options: { userId: string; isAdmin: boolean; actorUserId: string },
): User {
  const { before, after } = context.db.transaction((tx) => {
    const user = tx.select().from(users).where(eq(users.id, options.userId)).get();
    if (user == null) throw new GatewayError('not_found', 'No such user: it may have been deleted.');
    if (!options.isAdmin) refuseLastAdmin(tx, user, 'demote');
    const updated = tx
      .update(users)
      .set({ isAdmin: options.isAdmin, updatedAt: new Date(context.now()) })
      .where(eq(users.id, user.id))
      .returning()
      .get();
    return { before: user, after: updated };
  });
  if (before.isAdmin !== after.isAdmin) {
    recordAuditEvent(context, {
      action: 'user.role_changed',
      userId: after.id,
      detail: { isAdmin: after.isAdmin, byUserId: options.actorUserId },
    });
  }
  return toUserDto(after);
}
