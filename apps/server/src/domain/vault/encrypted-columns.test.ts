import { is } from 'drizzle-orm';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '../../db/schema.ts';
import { buildTestApp, TEST_PASSWORD, type TestApp } from '../../test/build-test-app.ts';
import { createUser } from '../accounts/create-user.ts';
import { saveApiCredential } from '../credentials/save-api-credential.ts';
import { saveGoogleClient } from '../google/save-google-client.ts';
import { saveGoogleConnection } from '../google/save-google-connection.ts';
import { startGoogleSignIn } from '../google/start-google-sign-in.ts';
import { ENCRYPTED_COLUMNS, listEncryptedValues } from './encrypted-columns.ts';
import { openGatewayVault } from './open-gateway-vault.ts';
import { rotateEncryptionKey } from './rotate-encryption-key.ts';

let test: TestApp;
beforeEach(async () => {
  test = await buildTestApp();
});
afterEach(async () => {
  await test.close();
});

describe('ENCRYPTED_COLUMNS', () => {
  it('should list every ciphertext column of the schema, so key rotation never strands one', () => {
    const inSchema = Object.values(schema)
      .filter((value) => is(value, SQLiteTable))
      .flatMap((table) => {
        const config = getTableConfig(table);
        return config.columns
          .filter((column) => column.name.endsWith('_ciphertext'))
          .map((column) => `${config.name}.${column.name}`);
      });
    expect(ENCRYPTED_COLUMNS.map(({ table, column }) => `${table}.${column}`).sort()).toEqual(inSchema.sort());
  });

  it('should keep the Google and API-key secrets readable after a key rotation drops the old key', async () => {
    const user = await createUser(test.connections, {
      email: 'owner@example.com',
      password: TEST_PASSWORD,
      isAdmin: true,
    });
    await saveApiCredential(test.connections, {
      userId: user.id,
      provider: 'gemini',
      apiKey: 'AIza-test-key-0000',
      baseUrl: null,
      validate: async () => {},
    });
    await saveGoogleClient(test.connections, {
      userId: user.id,
      clientId: '1234-abc.apps.googleusercontent.com',
      clientSecret: 'GOCSPX-test-secret',
    });
    await startGoogleSignIn(test.connections, { userId: user.id });
    await saveGoogleConnection(test.connections, {
      userId: user.id,
      tokens: {
        accessToken: 'ya29.test-access',
        refreshToken: '1//test-refresh',
        idToken: undefined,
        expiresInSeconds: 3599,
        scopes: [],
      },
      claims: { sub: '100000000000000000001', email: null, isEmailVerified: false, name: null, picture: null },
    });
    const before = await listEncryptedValues(test.db);
    expect(new Set(before.map((value) => value.table))).toEqual(
      new Set([
        'api_credentials',
        'google_oauth_clients',
        // Google's flows and connections live in the shared tables since migration 0007 (issue 15).
        'sign_in_flows',
        'connections',
        'oauth_records',
      ]),
    );
    const plaintexts = before.map((value) => test.vault.decrypt(value.ciphertext, { context: value.context }));

    const result = await rotateEncryptionKey({
      db: test.db,
      vault: test.vault,
      keyFilePath: test.config.keyFilePath,
      isEnvKeySet: false,
    });
    expect(result.reencrypted).toBe(before.length);
    // A restart with only the new key in the file reads every value, and each is what it was.
    const restarted = await openGatewayVault({ db: test.db, envKey: null, keyFilePath: test.config.keyFilePath });
    const after = await listEncryptedValues(test.db);
    expect(after.map((value) => restarted.keyIdOf(value.ciphertext))).toEqual(after.map(() => result.newKeyId));
    expect(after.map((value) => restarted.decrypt(value.ciphertext, { context: value.context }))).toEqual(plaintexts);
  });
});
