import { readKeyFile } from '@pag/vault';
import type { TestApp } from './build-test-app.ts';

/** What a gateway process started by a test needs to open the test's database: on a PostgreSQL run, its URL. */
export function databaseUrlEnvironment(test: Pick<TestApp, 'config'>): Record<string, string> {
  return test.config.database.kind === 'postgres' ? { GATEWAY_DATABASE_URL: test.config.database.url } : {};
}

/**
 * The database, and on a PostgreSQL run the key file's primary key as GATEWAY_ENCRYPTION_KEY: PostgreSQL requires
 * the env key (config.ts: every replica must decrypt with the same key), and what the test app stored is under the
 * key file's key. On SQLite the process finds the key file in the data directory, as a deployment does.
 */
export function gatewayProcessEnvironment(test: Pick<TestApp, 'config'>): Record<string, string> {
  if (test.config.database.kind !== 'postgres') return {};
  const keyFile = readKeyFile(test.config.keyFilePath);
  const primary = keyFile.keys.find((entry) => entry.id === keyFile.primaryKeyId);
  if (primary == null) throw new Error(`the key file ${test.config.keyFilePath} has no primary key`);
  return { ...databaseUrlEnvironment(test), GATEWAY_ENCRYPTION_KEY: primary.key.toString('base64') };
}
