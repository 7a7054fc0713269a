import { passwordSchema } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.ts';
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
  const user = findUserByEmail(context, options.email);
  const password = parseField(passwordSchema, options.password, 'password');
  const passwordHash = await hashPassword(password);
  context.db.transaction((tx) => {
    tx.update(users)
      .set({ passwordHash, updatedAt: new Date(context.now()) })
      .where(eq(users.id, user.id))
      .run();
    tx.delete(sessions).where(eq(sessions.userId, user.id)).run();
  });
  recordAuditEvent(context, {
    action: 'user.password_reset',
    userId: user.id,
    ...(options.actorUserId == null ? {} : { detail: { byUserId: options.actorUserId } }),
  });
}
