import { emailSchema } from '@pag/contracts';
import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { parseField } from '../parse-field.ts';
import { cachedRead } from '../read-cache/read-cache.ts';

export type UserRow = typeof users.$inferSelect;

/** Looks a user up by email (normalised like at creation); throws `not_found` naming the email when missing. */
export async function findUserByEmail(context: DomainContext, rawEmail: string): Promise<UserRow> {
  const email = parseField(emailSchema, rawEmail, 'email');
  const [row] = await context.db.select().from(users).where(eq(users.email, email)).limit(1);
  if (row == null) throw new GatewayError('not_found', `No user with the email ${email}.`);
  return row;
}

const selectUserById = preparedQuery('select_user_by_id', (db) =>
  db
    .select()
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .limit(1),
);

/**
 * Looks a user up by id; null when there is none (a deleted user's tokens stop working at once). Through the request
 * cache (a connected app's every request reads it); a user that is not there is not kept.
 */
export const findUserById: (context: DomainContext, id: string) => Promise<UserRow | null> = cachedRead(
  'user-by-id',
  async (context: DomainContext, id: string) => (await selectUserById(context.db).execute({ id }))[0] ?? null,
  { shouldKeep: (row) => row != null },
);
