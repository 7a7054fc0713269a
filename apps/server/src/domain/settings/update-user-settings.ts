import type { UserSettings } from '@pag/contracts';
import { userSettings } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { getUserSettings } from './get-user-settings.ts';

/** Changes some settings of a user; fields left out keep their value. */
export function updateUserSettings(
  context: DomainContext,
  options: { userId: string; changes: Partial<UserSettings> },
): UserSettings {
  const next = { ...getUserSettings(context, options.userId), ...options.changes };
  const now = new Date(context.now());
  context.db
    .insert(userSettings)
    .values({ userId: options.userId, ...next, updatedAt: now })
    .onConflictDoUpdate({ target: userSettings.userId, set: { ...next, updatedAt: now } })
    .run();
  return next;
}
