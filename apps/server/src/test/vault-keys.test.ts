import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { type FakeOpenAiAuth, startFakeOpenAiAuth } from '@pag/testkit';
import { readKeyFile } from '@pag/vault';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open-database.ts';
import { ChatgptTokenManager } from '../domain/connections/chatgpt-token-manager.ts';
import { listEncryptedValues } from '../domain/vault/encrypted-columns.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';
import { rotateEncryptionKey } from '../domain/vault/rotate-encryption-key.ts';
import { buildTestApp, type TestApp } from './build-test-app.ts';
import { runGatewayCli, startBin } from './run-process.ts';
import { seedChatgptConnection } from './seed-chatgpt-connection.ts';

let fake: FakeOpenAiAuth;
let test: TestApp;
beforeAll(async () => {
  fake = await startFakeOpenAiAuth();
});
afterAll(async () => {
  await fake.close();
});
beforeEach(async () => {
  test = await buildTestApp({ GATEWAY_OPENAI_AUTH_URL: fake.url });
});
afterEach(async () => {
  await test.close();
});

function contextWith(vault: ReturnType<typeof openGatewayVault>, db = test.db) {
  return { ...test.connections, db, vault };
}

describe('encryption key rotation', () => {
  it('should re-encrypt everything under a new key, drop the old one, and still decrypt after a restart', async () => {
    const { user, tokens } = await seedChatgptConnection({
      context: test.connections,
      fake,
      accessTokenTtlSeconds: 3600,
    });
    const oldKeyId = readKeyFile(test.config.keyFilePath).primaryKeyId;
    // A second long-lived vault stands for the running server during the rotation.
    const runningServerVault = openGatewayVault({ db: test.db, envKey: null, keyFilePath: test.config.keyFilePath });

    const result = rotateEncryptionKey({
      db: test.db,
      vault: test.vault,
      keyFilePath: test.config.keyFilePath,
      isEnvKeySet: false,
    });
    expect(result.removedKeyIds).toEqual([oldKeyId]);
    // Three connection tokens, plus the MCP authorization server's own keys (created at the first start).
    expect(result.reencrypted).toBe(4);
    const keyFile = readKeyFile(test.config.keyFilePath);
    expect(keyFile.keys.map((entry) => entry.id)).toEqual([result.newKeyId]);
    for (const value of listEncryptedValues(test.db.$client))
      expect(value.ciphertext).toContain(`.${result.newKeyId}.`);

    // The running server keeps working without a restart (it reloads the key file on the unknown key id)…
    const running = new ChatgptTokenManager(contextWith(runningServerVault));
    expect((await running.getAccessToken(user.id)).accessToken).toBe(tokens.accessToken);
    // …and so does a restart with only the new key.
    test.db.$client.close();
    const reopened = openDatabase(test.config.databaseFile);
    test.db = reopened;
    const restarted = openGatewayVault({ db: reopened, envKey: null, keyFilePath: test.config.keyFilePath });
    expect((await new ChatgptTokenManager(contextWith(restarted, reopened)).getAccessToken(user.id)).accessToken).toBe(
      tokens.accessToken,
    );
  });

  it('should refuse to rotate while GATEWAY_ENCRYPTION_KEY is set', () => {
    expect(() =>
      rotateEncryptionKey({ db: test.db, vault: test.vault, keyFilePath: test.config.keyFilePath, isEnvKeySet: true }),
    ).toThrow(/GATEWAY_ENCRYPTION_KEY is set/);
  });

  it('should rotate from the CLI and print the new key id', async () => {
    await seedChatgptConnection({ context: test.connections, fake, accessTokenTtlSeconds: 3600 });
    const result = await runGatewayCli({
      args: ['vault', 'rotate-key'],
      env: { GATEWAY_DATA_DIR: test.dataDir },
      cwd: test.dataDir,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^k[0-9a-f]{10}\n$/);
    expect(result.stderr).toMatch(/re-encrypted 4 values/);
    expect(readKeyFile(test.config.keyFilePath).primaryKeyId).toBe(result.stdout.trim());
  });

  it('should keep the key file private (mode 0600) and the tokens out of it', async () => {
    const { tokens } = await seedChatgptConnection({ context: test.connections, fake, accessTokenTtlSeconds: 3600 });
    const { statSync } = await import('node:fs');
    expect(statSync(test.config.keyFilePath).mode & 0o777).toBe(0o600);
    expect(readFileSync(test.config.keyFilePath, 'utf8')).not.toContain(tokens.refreshToken);
  });
});

describe('startup with the wrong key', () => {
  it('should stop with a clear error for a different GATEWAY_ENCRYPTION_KEY', async () => {
    const keyed = await buildTestApp({
      GATEWAY_OPENAI_AUTH_URL: fake.url,
      GATEWAY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    try {
      await seedChatgptConnection({ context: keyed.connections, fake, accessTokenTtlSeconds: 3600 });
      const otherKey = randomBytes(32).toString('base64');
      const server = startBin({
        bin: 'gateway-server',
        env: { GATEWAY_DATA_DIR: keyed.dataDir, GATEWAY_PORT: '0', GATEWAY_ENCRYPTION_KEY: otherKey },
        cwd: keyed.dataDir,
      });
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(
        /gateway: The stored tokens were encrypted with key id k[0-9a-f]{10}, which the configured key \(GATEWAY_ENCRYPTION_KEY\) does not have/,
      );
      const cli = await runGatewayCli({
        args: ['user', 'list'],
        env: { GATEWAY_DATA_DIR: keyed.dataDir, GATEWAY_ENCRYPTION_KEY: otherKey },
        cwd: keyed.dataDir,
      });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/^gateway: The stored tokens were encrypted with key id/);
    } finally {
      await keyed.close();
    }
  });

  it('should stop with a clear error when the key file is gone', async () => {
    await seedChatgptConnection({ context: test.connections, fake, accessTokenTtlSeconds: 3600 });
    renameSync(test.config.keyFilePath, `${test.config.keyFilePath}.bak`);
    const server = startBin({
      bin: 'gateway-server',
      env: { GATEWAY_DATA_DIR: test.dataDir, GATEWAY_PORT: '0' },
      cwd: test.dataDir,
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/encryption key file .* is missing, but the database holds 4 encrypted tokens/);
  });
});
