import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { findUserByEmail } from './find-user.ts';
import { recordAuditEvent } from './record-audit-event.ts';

/**
 * Deletes a user. Their sessions and API keys go with them (foreign-key cascades); later issues cascade
 * upstream connections the same way.
 */
export function deleteUser(context: DomainContext, email: string): void {
  const user = findUserByEmail(context, email);
  context.db.delete(users).where(eq(users.id, user.id)).run();
  recordAuditEvent(context, { action: 'user.deleted', userId: null, detail: { deletedUserId: user.id } });
}
