import type { UserSettings } from '@pag/contracts';
import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { userSettings } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { cachedRead } from '../read-cache/read-cache.ts';

/** Defaults: no fallback to API keys (a user opts in to paying per token), no default model. */
export const DEFAULT_USER_SETTINGS: Readonly<UserSettings> = {
  fallbackToApiKeys: false,
  defaultModel: null,
  fallbackModel: null,
  fallbackProviders: ['openai', 'gemini', 'anthropic'],
};

const selectUserSettings = preparedQuery('select_user_settings', (db) =>
  db
    .select()
    .from(userSettings)
    .where(eq(userSettings.userId, sql.placeholder('userId'))),
);

/** The stored row (or none), through the request cache: read by every route planned (docs/request-cache.md). */
const readSettingsRow = cachedRead(
  'user-settings',
  async (context: DomainContext, userId: string) => (await selectUserSettings(context.db).execute({ userId }))[0],
);

export async function getUserSettings(context: DomainContext, userId: string): Promise<UserSettings> {
  return toUserSettings(await readSettingsRow(context, userId));
}

/** A user's stored settings row as the API shows it; no row yet means the defaults. */
export function toUserSettings(row: typeof userSettings.$inferSelect | undefined): UserSettings {
  if (row == null) return { ...DEFAULT_USER_SETTINGS, fallbackProviders: [...DEFAULT_USER_SETTINGS.fallbackProviders] };
  return {
    fallbackToApiKeys: row.fallbackToApiKeys,
    defaultModel: row.defaultModel,
    fallbackModel: row.fallbackModel,
    fallbackProviders: row.fallbackProviders ?? [...DEFAULT_USER_SETTINGS.fallbackProviders],
  };
}
