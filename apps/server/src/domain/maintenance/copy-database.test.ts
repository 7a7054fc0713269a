import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayDatabase, openDatabase } from '../../db/open-database.ts';
import { openTestDatabase } from '../../test/open-test-database.ts';
import { dumpRows } from '../../test/populate-gateway-database.ts';
import { createUser } from '../accounts/create-user.ts';
import { replaceModelAliases } from '../model-aliases/replace-model-aliases.ts';
import { registerAppClient } from '../oauth-server/register-app-client.ts';
import { recordAuditEvent } from '../security/record-audit-event.ts';
import { replaceCustomPrices } from '../usage/custom-prices.ts';
import { openGatewayVault } from '../vault/open-gateway-vault.ts';
import { copyDatabase } from './copy-database.ts';

// The batches of copyDatabase: each starts after the last key of the one before, so a table must come out whole
// whatever its key. With batches of 2 rows, a handful of rows crosses several batches, through single keys (text and
// integer) and composite ones (model aliases and custom prices are keyed by user and name). The gateway-sized copy,
// through the CLI, is src/test/db-copy*.test.ts. The target is PostgreSQL on a PostgreSQL run.

const open: { db: GatewayDatabase; dir?: string }[] = [];

afterEach(async () => {
  for (const { db, dir } of open.splice(0)) {
    await db.$close();
    if (dir != null) rmSync(dir, { recursive: true, force: true });
  }
});

describe('copyDatabase', () => {
  it('issue 21: copies tables of several batches whole, through single and composite keys', async () => {
    const source = openDatabase(':memory:');
    const target = await openTestDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'pag-copy-'));
    open.push({ db: source, dir }, { db: target });
    const vault = await openGatewayVault({
      db: source,
      envKey: randomBytes(32),
      keyFilePath: join(dir, 'encryption.key'),
    });
    const context = { db: source, now: Date.now };
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      const user = await createUser(context, { email, password: 'correct horse battery staple', isAdmin: false });
      await replaceModelAliases(
        context,
        user.id,
        ['claude-*', 'gpt-4o', 'gpt-4o-mini', 'o3', 'sonnet'].map((pattern) => ({
          pattern,
          target: 'chatgpt/gpt-5.5',
        })),
      );
      await replaceCustomPrices(context, {
        userId: user.id,
        prices: ['llama', 'mistral', 'qwen'].map((model, index) => ({
          model,
          input: 0.1 * (index + 1),
          cachedInput: null,
          output: 0.5,
        })),
      });
      await recordAuditEvent(context, { action: 'user.role_changed', userId: user.id, detail: { email } });
    }
    for (const name of ['Notes', 'Journal', 'Tasks']) {
      await registerAppClient(
        { ...context, vault },
        { name, redirectUris: [`https://${name.toLowerCase()}.example/cb`] },
      );
    }

    const report = await copyDatabase(source, target, { vault, batchRows: 2 });

    expect(await dumpRows(target)).toEqual(await dumpRows(source));
    const rowsOf = (name: string) => report.tables.find((table) => table.name === name)?.rows;
    expect([rowsOf('model_aliases'), rowsOf('usage_custom_prices'), rowsOf('users'), rowsOf('oauth_records')]).toEqual([
      15, 9, 3, 3,
    ]);
    expect(rowsOf('audit_log')).toBeGreaterThanOrEqual(6);
    expect(report.secretsVerified).toBe(3);
    expect(report.keyIds).toEqual([vault.primaryKeyId]);
  }, 30_000);
});
