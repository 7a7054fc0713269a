import type { UserSettings } from '@pag/contracts';
import { eq } from 'drizzle-orm';
import { userSettings } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';

/** Defaults: no fallback to API keys (a user opts in to paying per token), no default model. */
export const DEFAULT_USER_SETTINGS: Readonly<UserSettings> = {
  fallbackToApiKeys: false,
  defaultModel: null,
  fallbackModel: null,
  fallbackProviders: ['openai', 'gemini'],
};

export function getUserSettings(context: DomainContext, userId: string): UserSettings {
  const row = context.db.select().from(userSettings).where(eq(userSettings.userId, userId)).get();
  if (row == null) return { ...DEFAULT_USER_SETTINGS, fallbackProviders: [...DEFAULT_USER_SETTINGS.fallbackProviders] };
  return {
    fallbackToApiKeys: row.fallbackToApiKeys,
    defaultModel: row.defaultModel,
    fallbackModel: row.fallbackModel,
    fallbackProviders: row.fallbackProviders ?? [...DEFAULT_USER_SETTINGS.fallbackProviders],
  };
}
