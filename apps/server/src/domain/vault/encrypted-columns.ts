/**
 * Every column that holds a vault ciphertext, with the context it was encrypted under. Startup checks and key
 * rotation walk this list, so a new encrypted column must be added here.
 */
export const ENCRYPTED_COLUMNS: readonly { table: string; column: string; context: (id: string) => string }[] = [
  { table: 'connections', column: 'id_token_ciphertext', context: (id) => `connections:${id}:id_token` },
  { table: 'connections', column: 'access_token_ciphertext', context: (id) => `connections:${id}:access_token` },
  { table: 'connections', column: 'refresh_token_ciphertext', context: (id) => `connections:${id}:refresh_token` },
  { table: 'sign_in_flows', column: 'code_verifier_ciphertext', context: (id) => `sign_in_flows:${id}:code_verifier` },
  {
    table: 'sign_in_flows',
    column: 'device_auth_id_ciphertext',
    context: (id) => `sign_in_flows:${id}:device_auth_id`,
  },
];

export type EncryptedValue = { table: string; column: string; id: string; ciphertext: string; context: string };

/** Reads every stored ciphertext. Table and column names come from the constant list above, never from input. */
export function listEncryptedValues(client: { prepare: (sql: string) => { all: () => unknown[] } }): EncryptedValue[] {
  return ENCRYPTED_COLUMNS.flatMap(({ table, column, context }) =>
    (
      client.prepare(`select id, ${column} as value from ${table} where ${column} is not null`).all() as {
        id: string;
        value: string;
      }[]
    ).map((row) => ({ table, column, id: row.id, ciphertext: row.value, context: context(row.id) })),
  );
}
