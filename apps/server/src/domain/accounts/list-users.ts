import type { User } from '@pag/contracts';
import { asc, count } from 'drizzle-orm';
import { users } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { toUserDto } from './to-user-dto.ts';

/** Every gateway user, oldest first. */
export function listUsers(context: DomainContext): User[] {
  return context.db.select().from(users).orderBy(asc(users.createdAt)).all().map(toUserDto);
}

/** True while the gateway has no user yet, i.e. first-run setup is pending. */
export function isSetupRequired(context: DomainContext): boolean {
  return (context.db.select({ total: count() }).from(users).get()?.total ?? 0) === 0;
}
