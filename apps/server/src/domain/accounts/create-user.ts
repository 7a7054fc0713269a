import { randomUUID } from 'node:crypto';
import { emailSchema, passwordSchema, type User } from '@pag/contracts';
import { count, eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { parseField } from '../parse-field.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { hashPassword } from './hash-password.ts';
import { toUserDto } from './to-user-dto.ts';

export type CreateUserOptions = {
  email: string;
  password: string;
  isAdmin: boolean;
  /** Only create the user if there is none yet (first-run setup); checked in the same transaction as the insert. */
  onlyIfFirst?: boolean;
  /** The admin who created the user from the settings UI, for the audit log. */
  actorUserId?: string;
};

/** Creates a gateway user. Throws `invalid_request` for a bad email/password and `conflict` for a taken email. */
export async function createUser(context: DomainContext, options: CreateUserOptions): Promise<User> {
  const email = parseField(emailSchema, options.email, 'email');
  const password = parseField(passwordSchema, options.password, 'password');
  // Hash outside the transaction: it is slow, and better-sqlite3 transactions must be synchronous.
  const passwordHash = await hashPassword(password);
  const now = new Date(context.now());
  const row = context.db.transaction((tx) => {
    if (options.onlyIfFirst === true) {
      const existing = tx.select({ total: count() }).from(users).get();
      if ((existing?.total ?? 0) > 0) {
        throw new GatewayError('setup_unavailable', 'Setup is already complete: sign in instead.');
      }
    }
    if (tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get() != null) {
      throw new GatewayError('conflict', `A user with the email ${email} already exists.`);
    }
    return tx
      .insert(users)
      .values({ id: randomUUID(), email, passwordHash, isAdmin: options.isAdmin, createdAt: now, updatedAt: now })
      .returning()
      .get();
  });
  recordAuditEvent(context, {
    action: 'user.created',
    userId: row.id,
    detail: { isAdmin: row.isAdmin, ...(options.actorUserId == null ? {} : { byUserId: options.actorUserId }) },
  });
  return toUserDto(row);
}
