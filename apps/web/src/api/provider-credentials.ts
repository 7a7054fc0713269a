import {
  type ApiCredential,
  apiCredentialListSchema,
  apiCredentialSchema,
  type UserSettings,
  userSettingsSchema,
} from '@pag/contracts';
import { requestApi } from './request-api.ts';

export type UpstreamProvider = 'openai' | 'gemini' | 'anthropic';

/** `GET /api/credentials`: saved upstream keys, masked. */
export async function listProviderCredentials(signal?: AbortSignal): Promise<ApiCredential[]> {
  return (await requestApi({ path: '/api/credentials', schema: apiCredentialListSchema, signal })).credentials;
}

/** `PUT /api/credentials/:provider`: checked upstream before it is saved; a wrong key comes back as a 400. */
export function saveProviderCredential(options: {
  provider: UpstreamProvider;
  apiKey: string;
  baseUrl?: string | undefined;
  csrfToken: string | null;
}): Promise<ApiCredential> {
  return requestApi({
    method: 'PUT',
    path: `/api/credentials/${options.provider}`,
    body: {
      apiKey: options.apiKey,
      ...(options.baseUrl == null || options.baseUrl === '' ? {} : { baseUrl: options.baseUrl }),
    },
    csrfToken: options.csrfToken,
    schema: apiCredentialSchema,
  });
}

export function deleteProviderCredential(options: {
  provider: UpstreamProvider;
  csrfToken: string | null;
}): Promise<void> {
  return requestApi({ method: 'DELETE', path: `/api/credentials/${options.provider}`, csrfToken: options.csrfToken });
}

/** `GET /api/settings`: routing settings (fallback to API keys, default models). */
export function getUserSettings(signal?: AbortSignal): Promise<UserSettings> {
  return requestApi({ path: '/api/settings', schema: userSettingsSchema, signal });
}

export function updateUserSettings(options: {
  changes: Partial<UserSettings>;
  csrfToken: string | null;
}): Promise<UserSettings> {
  return requestApi({
    method: 'PATCH',
    path: '/api/settings',
    body: options.changes,
    csrfToken: options.csrfToken,
    schema: userSettingsSchema,
  });
}
