import { emailSchema } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { parseField } from '../parse-field.ts';

export type UserRow = typeof users.$inferSelect;

/** Looks a user up by email (normalised like at creation); throws `not_found` naming the email when missing. */
export async function findUserByEmail(context: DomainContext, rawEmail: string): Promise<UserRow> {
  const email = parseField(emailSchema, rawEmail, 'email');
  const [row] = await context.db.select().from(users).where(eq(users.email, email)).limit(1);
  if (row == null) throw new GatewayError('not_found', `No user with the email ${email}.`);
  return row;
}

/** Looks a user up by id; null when there is none (a deleted user's tokens stop working at once). */
export async function findUserById(context: DomainContext, id: string): Promise<UserRow | null> {
  const [row] = await context.db.select().from(users).where(eq(users.id, id)).limit(1);
  return row ?? null;
}
