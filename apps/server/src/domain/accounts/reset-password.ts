import { passwordSchema } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import { parseField } from '../parse-field.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { findUserByEmail } from './find-user.ts';
import { hashPassword } from './hash-password.ts';

/**
 * Sets a new password and ends every session of the user: whoever knew the old password is signed out.
 * API keys stay valid; they are separate credentials the user revokes on their own.
 */
export async function resetPassword(
  context: DomainContext,
  options: { email: string; password: string; actorUserId?: string },
): Promise<void> {
  const user = await findUserByEmail(context, options.email);
  const password = parseField(passwordSchema, options.password, 'password');
  const passwordHash = await hashPassword(password);
  await withTransaction(context.db, async (tx) => {
    await tx
      .update(users)
      .set({ passwordHash, updatedAt: new Date(context.now()) })
      .where(eq(users.id, user.id));
    await tx.delete(sessions).where(eq(sessions.userId, user.id));
  });
  await recordAuditEvent(context, {
    action: 'user.password_reset',
    userId: user.id,
    ...(options.actorUserId == null ? {} : { detail: { byUserId: options.actorUserId } }),
  });
}
