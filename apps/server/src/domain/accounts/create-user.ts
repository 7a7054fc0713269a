import { randomUUID } from 'node:crypto';
import { emailSchema, passwordSchema, type User } from '@pag/contracts';
import { count, eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import { withTransaction } from '../../db/with-transaction.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { parseField } from '../parse-field.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { hashPassword } from './hash-password.ts';
import { lockUsers } from './lock-users.ts';
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
  // Hash outside the transaction: it is slow, and only database work may be awaited inside one (with-transaction.ts).
  const passwordHash = await hashPassword(password);
  const now = new Date(context.now());
  const row = await withTransaction(context.db, async (tx) => {
    // "No user yet" and "the email is free" hold until the insert: two setups at once make exactly one admin, and
    // a taken email is a clear `conflict`, not the unique index's error.
    await lockUsers(tx);
    if (options.onlyIfFirst === true) {
      const [existing] = await tx.select({ total: count() }).from(users);
      if ((existing?.total ?? 0) > 0) {
        throw new GatewayError('setup_unavailable', 'Setup is already complete: sign in instead.');
      }
    }
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
    if (taken != null) {
      throw new GatewayError('conflict', `A user with the email ${email} already exists.`);
    }
    const [inserted] = await tx
      .insert(users)
      .values({ id: randomUUID(), email, passwordHash, isAdmin: options.isAdmin, createdAt: now, updatedAt: now })
      .returning();
    if (inserted == null) throw new Error('The new user was not returned by the insert.');
    return inserted;
  });
  await recordAuditEvent(context, {
    action: 'user.created',
    userId: row.id,
    detail: { isAdmin: row.isAdmin, ...(options.actorUserId == null ? {} : { byUserId: options.actorUserId }) },
  });
  return toUserDto(row);
}
