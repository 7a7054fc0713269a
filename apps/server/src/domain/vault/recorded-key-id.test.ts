import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveKeyId } from '@pag/vault';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GatewayDatabase } from '../../db/open-database.ts';
import { apiCredentials, users } from '../../db/schema.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import { apiKeyContext } from '../credentials/to-api-credential-dto.ts';
import { openGatewayVault, VaultKeyMismatchError } from './open-gateway-vault.ts';

describe('issue 21: the recorded encryption key id', () => {
  let db: GatewayDatabase;
  let dir: string;
  const keyA = randomBytes(32);
  const keyB = randomBytes(32);
  const open = (envKey: Buffer) => openGatewayVault({ db, envKey, keyFilePath: join(dir, 'encryption.key') });
  beforeEach(async () => {
    db = await openTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'pag-key-'));
  });
  afterEach(async () => {
    await db.$close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a replica with another key while the database holds no secret yet (PostgreSQL)', async () => {
    await open(keyA);
    if (db.$dialect === 'postgres') {
      const refused = open(keyB);
      await expect(refused).rejects.toThrow(VaultKeyMismatchError);
      await expect(refused).rejects.toThrow(
        new RegExp(
          `encrypted under key id ${deriveKeyId(keyA)}.*GATEWAY_ENCRYPTION_KEY \\(key id ${deriveKeyId(keyB)}\\)`,
        ),
      );
    } else {
      // One SQLite process with nothing encrypted loses nothing by a new key: it records the new one.
      await open(keyB);
      await expect(open(keyA)).resolves.toBeDefined();
    }
    await expect(open(keyA)).resolves.toBeDefined();
  });

  it('refuses another key on either database once a secret is stored', async () => {
    const vault = await open(keyA);
    const now = new Date();
    await db
      .insert(users)
      .values({ id: 'u1', email: 'a@example.com', passwordHash: 'x', createdAt: now, updatedAt: now });
    await db.insert(apiCredentials).values({
      id: 'c1',
      userId: 'u1',
      provider: 'openai',
      keyCiphertext: vault.encrypt('sk-test', { context: apiKeyContext('c1') }),
      keyHint: 'test',
      createdAt: now,
      updatedAt: now,
    });
    await expect(open(keyB)).rejects.toThrow(VaultKeyMismatchError);
    await expect(open(keyA)).resolves.toBeDefined();
  });
});
