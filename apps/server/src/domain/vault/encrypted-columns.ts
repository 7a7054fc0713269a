import { apiKeyContext } from '../credentials/to-api-credential-dto.ts';
import {
  googleClientSecretContext,
  googleFlowVerifierContext,
  googleTokenContext,
} from '../google/google-vault-contexts.ts';
import { oauthPayloadContext } from '../oauth-server/sqlite-oauth-adapter.ts';

type EncryptedColumn = {
  table: string;
  column: string;
  /** The row key the context is built from: `id`, or `user_id` for tables keyed by their user. */
  idColumn?: string;
  context: (id: string) => string;
};

/**
 * Every column that holds a vault ciphertext, with the context it was encrypted under. Startup checks and key
 * rotation walk this list, so a new encrypted column must be added here (encrypted-columns.test.ts fails until it
 * is: a column missing here would become unreadable once a rotation drops the old key).
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  { table: 'connections', column: 'id_token_ciphertext', context: (id) => `connections:${id}:id_token` },
  { table: 'connections', column: 'access_token_ciphertext', context: (id) => `connections:${id}:access_token` },
  { table: 'connections', column: 'refresh_token_ciphertext', context: (id) => `connections:${id}:refresh_token` },
  { table: 'sign_in_flows', column: 'code_verifier_ciphertext', context: (id) => `sign_in_flows:${id}:code_verifier` },
  {
    table: 'sign_in_flows',
    column: 'device_auth_id_ciphertext',
    context: (id) => `sign_in_flows:${id}:device_auth_id`,
  },
  { table: 'api_credentials', column: 'key_ciphertext', context: apiKeyContext },
  {
    table: 'google_oauth_clients',
    column: 'client_secret_ciphertext',
    idColumn: 'user_id',
    context: googleClientSecretContext,
  },
  { table: 'google_sign_in_flows', column: 'code_verifier_ciphertext', context: googleFlowVerifierContext },
  {
    table: 'google_connections',
    column: 'access_token_ciphertext',
    context: (id) => googleTokenContext(id, 'access_token'),
  },
  {
    table: 'google_connections',
    column: 'refresh_token_ciphertext',
    context: (id) => googleTokenContext(id, 'refresh_token'),
  },
  { table: 'oauth_records', column: 'payload_ciphertext', context: oauthPayloadContext },
];

export type EncryptedValue = {
  table: string;
  column: string;
  /** The column `id` names a row by (see `EncryptedColumn.idColumn`). */
  idColumn: string;
  id: string;
  ciphertext: string;
  context: string;
};

/** Reads every stored ciphertext. Table and column names come from the constant list above, never from input. */
export function listEncryptedValues(client: { prepare: (sql: string) => { all: () => unknown[] } }): EncryptedValue[] {
  return ENCRYPTED_COLUMNS.flatMap(({ table, column, idColumn = 'id', context }) => {
    const sql = `select ${idColumn} as id, ${column} as value from ${table} where ${column} is not null`;
    const rows = client.prepare(sql).all() as { id: string; value: string }[];
    return rows.map((row) => ({
      table,
      column,
      idColumn,
      id: row.id,
      ciphertext: row.value,
      context: context(row.id),
    }));
  });
}
