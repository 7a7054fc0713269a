import type { User } from '@pag/contracts';
import { asc, count } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { toUserDto } from './to-user-dto.ts';

/** Every gateway user, oldest first. */
export async function listUsers(context: DomainContext): Promise<User[]> {
  const rows = await context.db.select().from(users).orderBy(asc(users.createdAt));
  return rows.map(toUserDto);
}

/** True while the gateway has no user yet, i.e. first-run setup is pending. */
export async function isSetupRequired(context: DomainContext): Promise<boolean> {
  const [row] = await context.db.select({ total: count() }).from(users);
  return (row?.total ?? 0) === 0;
}
