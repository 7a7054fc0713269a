import type { UserSettings } from '@pag/contracts';
import { eq, sql } from 'drizzle-orm';
import { preparedQuery } from '../../db/prepared-query.ts';
import { userSettings } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

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

export async function getUserSettings(context: DomainContext, userId: string): Promise<UserSettings> {
  const [row] = await selectUserSettings(context.db).execute({ userId });
  return toUserSettings(row);
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
