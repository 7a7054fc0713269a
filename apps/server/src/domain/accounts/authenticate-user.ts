import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import type { UserRow } from './find-user.ts';
import { dummyPasswordHash, verifyPassword } from './hash-password.ts';

/**
 * Checks an email and password. A wrong password and an unknown email fail the same way, in the same time,
 * with the same message, so sign-in does not reveal which emails exist.
 */
export async function authenticateUser(
  context: DomainContext,
  credentials: { email: string; password: string },
): Promise<UserRow> {
  const [row] = await context.db.select().from(users).where(eq(users.email, credentials.email)).limit(1);
  const isValid = await verifyPassword(credentials.password, row?.passwordHash ?? dummyPasswordHash());
  if (row == null || !isValid) {
    throw new GatewayError('invalid_credentials', 'Wrong email or password.');
  }
  return row;
}
