import { emailSchema } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { parseField } from '../parse-field.ts';

export type UserRow = typeof users.$inferSelect;

/** Looks a user up by email (normalised like at creation); throws `not_found` naming the email when missing. */
export function findUserByEmail(context: DomainContext, rawEmail: string): UserRow {
  const email = parseField(emailSchema, rawEmail, 'email');
  const row = context.db.select().from(users).where(eq(users.email, email)).get();
  if (row == null) throw new GatewayError('not_found', `No user with the email ${email}.`);
  return row;
}

/** Looks a user up by id; null when there is none (a deleted user's tokens stop working at once). */
export function findUserById(context: DomainContext, id: string): UserRow | null {
  return context.db.select().from(users).where(eq(users.id, id)).get() ?? null;
}
