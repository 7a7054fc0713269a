import type { UserSettings } from '@pag/contracts';
import { userSettings } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { DEFAULT_USER_SETTINGS, toUserSettings } from './get-user-settings.ts';

/**
 * Changes some settings of a user; fields left out keep their value. One upsert that writes only the changed fields,
 * not a read of the row and a write of all of it: two changes of different fields at once both stay.
 */
export async function updateUserSettings(
  context: DomainContext,
  options: { userId: string; changes: Partial<UserSettings> },
): Promise<UserSettings> {
  const now = new Date(context.now());
  const [row] = await context.db
    .insert(userSettings)
    .values({ ...DEFAULT_USER_SETTINGS, ...options.changes, userId: options.userId, updatedAt: now })
    .onConflictDoUpdate({ target: userSettings.userId, set: { ...options.changes, updatedAt: now } })
    .returning();
  return toUserSettings(row);
}
