import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { type FakeOpenAiAuth, findFreeLoopbackPort, startFakeOpenAiAuth } from '@pag/testkit';
import { deriveKeyId, readKeyFile } from '@pag/vault';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openGatewayDatabase } from '../db/open-database.ts';
import { connections } from '../db/schema.ts';
import { ChatgptTokenManager } from '../domain/connections/chatgpt-token-manager.ts';
import { listEncryptedValues } from '../domain/vault/encrypted-columns.ts';
import { openGatewayVault } from '../domain/vault/open-gateway-vault.ts';
import { rotateEncryptionKey } from '../domain/vault/rotate-encryption-key.ts';
import { buildTestApp, type TestApp } from './build-test-app.ts';
import { databaseUrlEnvironment } from './database-environment.ts';
import { isPostgresRun } from './open-test-database.ts';
import { runGatewayCli, startBin, waitFor } from './run-process.ts';
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

function contextWith(vault: Awaited<ReturnType<typeof openGatewayVault>>, db = test.db) {
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
    const runningServerVault = await openGatewayVault({
      db: test.db,
      envKey: null,
      keyFilePath: test.config.keyFilePath,
    });

    const result = await rotateEncryptionKey({
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
    for (const value of await listEncryptedValues(test.db)) expect(value.ciphertext).toContain(`.${result.newKeyId}.`);

    // The running server keeps working without a restart (it reloads the key file on the unknown key id)…
    const running = new ChatgptTokenManager(contextWith(runningServerVault));
    expect((await running.getAccessToken(user.id)).accessToken).toBe(tokens.accessToken);
    // …and so does a restart with only the new key (a new connection to the database, as a new process opens).
    const reopened = await openGatewayDatabase(test.config.database);
    try {
      const restarted = await openGatewayVault({ db: reopened, envKey: null, keyFilePath: test.config.keyFilePath });
      expect(
        (await new ChatgptTokenManager(contextWith(restarted, reopened)).getAccessToken(user.id)).accessToken,
      ).toBe(tokens.accessToken);
    } finally {
      await reopened.$close();
    }
  });

  it('issue 16: should move the stored tokens from the key file to GATEWAY_ENCRYPTION_KEY only when rotate-key runs', async () => {
    const { tokens } = await seedChatgptConnection({ context: test.connections, fake, accessTokenTtlSeconds: 3600 });
    const keyFileBefore = readFileSync(test.config.keyFilePath, 'utf8');
    const envKey = randomBytes(32).toString('base64');
    const env = { GATEWAY_DATA_DIR: test.dataDir, GATEWAY_ENCRYPTION_KEY: envKey, ...databaseUrlEnvironment(test) };

    // Any other command refuses, as the server does: the env key is not what the tokens are under.
    const refused = await runGatewayCli({ args: ['user', 'list'], env, cwd: test.dataDir });
    expect(refused.code).toBe(1);
    const rotated = await runGatewayCli({ args: ['vault', 'rotate-key'], env, cwd: test.dataDir });

    expect(rotated.code, rotated.stderr).toBe(0);
    const envKeyId = rotated.stdout.trim();
    expect(rotated.stderr).toMatch(
      new RegExp(`re-encrypted 4 values under GATEWAY_ENCRYPTION_KEY \\(key ${envKeyId}\\)`),
    );
    expect(readFileSync(test.config.keyFilePath, 'utf8')).toBe(keyFileBefore);
    const values = await listEncryptedValues(test.db);
    expect(values.map((value) => test.vault.keyIdOf(value.ciphertext))).toEqual(values.map(() => envKeyId));
    // From now on the env key alone opens everything, and the server starts with it.
    const withEnvKey = await openGatewayVault({
      db: test.db,
      envKey: Buffer.from(envKey, 'base64'),
      keyFilePath: '/nonexistent',
    });
    const [connection] = await test.db
      .select({ id: connections.id, ciphertext: connections.refreshTokenCiphertext })
      .from(connections);
    if (connection == null) throw new Error('the connection is gone');
    expect(withEnvKey.decrypt(connection.ciphertext, { context: `connections:${connection.id}:refresh_token` })).toBe(
      tokens.refreshToken,
    );
    expect((await runGatewayCli({ args: ['user', 'list'], env, cwd: test.dataDir })).code).toBe(0);
  });

  // The key file is the primary key only without GATEWAY_ENCRYPTION_KEY, which a PostgreSQL database requires (every
  // replica must decrypt with the same key: config.ts): rotating the key file's key exists on SQLite alone.
  it.skipIf(isPostgresRun())('should rotate from the CLI and print the new key id', async () => {
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
        env: {
          GATEWAY_DATA_DIR: keyed.dataDir,
          GATEWAY_PORT: '0',
          GATEWAY_ENCRYPTION_KEY: otherKey,
          ...databaseUrlEnvironment(keyed),
        },
        cwd: keyed.dataDir,
      });
      expect(await server.exited).toBe(1);
      expect(server.output()).toMatch(
        /gateway: The stored tokens were encrypted with key id k[0-9a-f]{10}, which the configured key \(GATEWAY_ENCRYPTION_KEY \(key id k[0-9a-f]{10}\)\) does not have; stored: k[0-9a-f]{10} \(4 values\)/,
      );
      const cli = await runGatewayCli({
        args: ['user', 'list'],
        env: { GATEWAY_DATA_DIR: keyed.dataDir, GATEWAY_ENCRYPTION_KEY: otherKey, ...databaseUrlEnvironment(keyed) },
        cwd: keyed.dataDir,
      });
      expect(cli.code).toBe(1);
      expect(cli.stderr).toMatch(/^gateway: The stored tokens were encrypted with key id/);
    } finally {
      await keyed.close();
    }
  });

  it('issue 16: should stop, naming the key ids, for a wrong GATEWAY_ENCRYPTION_KEY next to the key file, and change nothing', async () => {
    await seedChatgptConnection({ context: test.connections, fake, accessTokenTtlSeconds: 60 });
    const storedKeyId = readKeyFile(test.config.keyFilePath).primaryKeyId;
    const before = await listEncryptedValues(test.db);
    const keyFileBefore = readFileSync(test.config.keyFilePath, 'utf8');
    const wrongKey = randomBytes(32);
    const port = await findFreeLoopbackPort();
    const server = startBin({
      bin: 'gateway-server',
      env: {
        GATEWAY_DATA_DIR: test.dataDir,
        GATEWAY_PORT: String(port),
        GATEWAY_ENCRYPTION_KEY: wrongKey.toString('base64'),
        GATEWAY_OPENAI_AUTH_URL: fake.url,
        ...databaseUrlEnvironment(test),
      },
      cwd: test.dataDir,
    });
    try {
      // Either it stops, or it comes up (the old behaviour, with the wrong key as the primary).
      const outcome = await waitFor(async () => {
        if (server.child.exitCode != null) return 'stopped';
        const health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
        return health?.status === 200 ? 'listening' : null;
      }, 30_000);
      expect(outcome).toBe('stopped');
      expect(await server.exited).toBe(1);
    } finally {
      if (server.child.exitCode == null) {
        server.child.kill('SIGKILL');
        await server.exited;
      }
    }
    const wrongKeyId = deriveKeyId(wrongKey);
    expect(server.output()).toContain(
      `gateway: GATEWAY_ENCRYPTION_KEY is key id ${wrongKeyId}, but the stored tokens are under key id ${storedKeyId}`,
    );
    expect(server.output()).toContain(`stored: ${storedKeyId} (4 values)`);
    expect(server.output()).not.toMatch(/\n\s+at /);
    // Nothing was re-encrypted or rewritten, and the key file is as it was.
    expect(await listEncryptedValues(test.db)).toEqual(before);
    expect(readFileSync(test.config.keyFilePath, 'utf8')).toBe(keyFileBefore);
  }, 60_000);

  it('issue 16: should stop when a stored value does not decrypt under the key its id names', async () => {
    await seedChatgptConnection({ context: test.connections, fake, accessTokenTtlSeconds: 3600 });
    // Startup decrypts one value per key id: damage that one. Same key id, altered tag: what a damaged database,
    // or key bytes that do not belong to the id, look like.
    const [sample] = await listEncryptedValues(test.db);
    if (sample == null) throw new Error('nothing is stored');
    const parts = sample.ciphertext.split('.');
    const tag = Buffer.from(parts[4] ?? '', 'base64url');
    tag[0] = (tag[0] ?? 0) ^ 1;
    parts[4] = tag.toString('base64url');
    await test.db.run(
      sql`update ${sql.identifier(sample.table)} set ${sql.identifier(sample.column)} = ${parts.join('.')} where ${sql.identifier(sample.idColumn)} = ${sample.id}`,
    );

    await expect(openGatewayVault({ db: test.db, envKey: null, keyFilePath: test.config.keyFilePath })).rejects.toThrow(
      `A stored ${sample.table}.${sample.column} under key id ${test.vault.keyIdOf(sample.ciphertext)} does not decrypt`,
    );
  });

  // Without GATEWAY_ENCRYPTION_KEY, which a PostgreSQL database requires (config.ts): the key file matters on SQLite
  // alone.
  it.skipIf(isPostgresRun())('should stop with a clear error when the key file is gone', async () => {
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
