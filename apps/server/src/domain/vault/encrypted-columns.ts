import { sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { apiKeyContext } from '../credentials/to-api-credential-dto.ts';
import {
  googleClientSecretContext,
  googleFlowVerifierContext,
  googleTokenContext,
} from '../google/google-vault-contexts.ts';
import { oauthPayloadContext } from '../oauth-server/database-oauth-adapter.ts';

type EncryptedColumn = {
  table: string;
  column: string;
  /** The row key the context is built from: `id`, or `user_id` for tables keyed by their user. */
  idColumn?: string;
  /**
   * Whether the context depends on the row's `provider` too: `connections` and `sign_in_flows` hold rows of
   * several providers, each still under the context of the table it was first written in (Google's rows moved in
   * from google_connections / google_sign_in_flows with their ids, migration 0007), so they stay decryptable.
   */
  hasProviderColumn?: boolean;
  context: (id: string, provider: string | null) => string;
};

/** ChatGPT's token contexts and Google's (see the migration note on `hasProviderColumn`). */
function connectionTokenContext(column: 'id_token' | 'access_token' | 'refresh_token') {
  return (id: string, provider: string | null): string =>
    provider === 'google' && column !== 'id_token' ? googleTokenContext(id, column) : `connections:${id}:${column}`;
}

/**
 * Every column that holds a vault ciphertext, with the context it was encrypted under. Startup checks and key
 * rotation walk this list, so a new encrypted column must be added here (encrypted-columns.test.ts fails until it
 * is: a column missing here would become unreadable once a rotation drops the old key).
 */
export const ENCRYPTED_COLUMNS: readonly EncryptedColumn[] = [
  {
    table: 'connections',
    column: 'id_token_ciphertext',
    hasProviderColumn: true,
    context: connectionTokenContext('id_token'),
  },
  {
    table: 'connections',
    column: 'access_token_ciphertext',
    hasProviderColumn: true,
    context: connectionTokenContext('access_token'),
  },
  {
    table: 'connections',
    column: 'refresh_token_ciphertext',
    hasProviderColumn: true,
    context: connectionTokenContext('refresh_token'),
  },
  {
    table: 'sign_in_flows',
    column: 'code_verifier_ciphertext',
    hasProviderColumn: true,
    context: (id, provider) =>
      provider === 'google' ? googleFlowVerifierContext(id) : `sign_in_flows:${id}:code_verifier`,
  },
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

/**
 * Reads every stored ciphertext, on either database. Table and column names come from the constant list above, never
 * from input. Ordered by row key: PostgreSQL returns rows in no stable order, and an update moves a row. One query
 * after the other: `db` may be a transaction (`gateway db copy` verifies inside its own), which on PostgreSQL is one
 * connection, and node-postgres deprecates a query sent while another is still running on the same client.
 */
export async function listEncryptedValues(db: GatewayDatabase): Promise<EncryptedValue[]> {
  const values: EncryptedValue[] = [];
  for (const { table, column, idColumn = 'id', hasProviderColumn = false, context } of ENCRYPTED_COLUMNS) {
    const id = sql.identifier(idColumn);
    const value = sql.identifier(column);
    const provider = hasProviderColumn ? sql.identifier('provider') : sql`null`;
    const rows = await db.all<{ id: string; provider: string | null; value: string }>(
      sql`select ${id} as id, ${provider} as provider, ${value} as value from ${sql.identifier(table)} where ${value} is not null order by ${id}`,
    );
    for (const row of rows) {
      values.push({
        table,
        column,
        idColumn,
        id: row.id,
        ciphertext: row.value,
        context: context(row.id, row.provider),
      });
    }
  }
  return values;
}
