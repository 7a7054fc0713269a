import type { User } from '@pag/contracts';
import type { users } from '../../db/schema.ts';

/** The API's view of a user row: never the password hash. */
export function toUserDto(row: typeof users.$inferSelect): User {
  return { id: row.id, email: row.email, isAdmin: row.isAdmin, createdAt: row.createdAt.toISOString() };
}
