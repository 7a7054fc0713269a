import type { ApiCredential } from '@pag/contracts';
import type { apiCredentials } from '../../db/schema.ts';

export type ApiCredentialRow = typeof apiCredentials.$inferSelect;

/** Vault context of a saved key: it only decrypts in its own row. */
export function apiKeyContext(credentialId: string): string {
  return `api_credentials:${credentialId}:key`;
}

/** What the UI shows of a saved key: never the key, only its last 4 characters. */
export function toApiCredentialDto(row: ApiCredentialRow): ApiCredential {
  return {
    provider: row.provider,
    baseUrl: row.baseUrl,
    keyHint: row.keyHint,
    createdAt: row.createdAt.toISOString(),
    lastValidatedAt: row.lastValidatedAt?.toISOString() ?? null,
  };
}
