import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayDatabase, openDatabase, openPostgresDatabase } from '../db/open-database.ts';
import { auditLog, quotaSnapshots, signInFailures } from '../db/schema.ts';
import { recordAuditEvent } from '../domain/security/record-audit-event.ts';
import { listEncryptedValues } from '../domain/vault/encrypted-columns.ts';
import { createTestPostgresDatabase } from './open-test-database.ts';
import { countRows, dumpRows, type PopulatedGateway, populateGatewayDatabase } from './populate-gateway-database.ts';
import { runGatewayCli } from './run-process.ts';
import { type AiTestGateway, startAiTestGateway } from './start-ai-test-gateway.ts';
import { type GatewayOnDatabase, primaryKeyOf, startGatewayOnDatabase } from './start-gateway-on-database.ts';

// Moving a SQLite gateway to PostgreSQL with `gateway db copy` (docs/postgres.md §7), and back, with the real CLI and
// a real gateway process on the copy. Runs only on a PostgreSQL run (GATEWAY_TEST_POSTGRES_URL, vitest.config.ts).

let gateway: AiTestGateway;
let populated: PopulatedGateway;
let postgres: { url: string; drop: () => Promise<void> };
let workDir: string;
let sourceFile: string;
let encryptionKey: string;

beforeAll(async () => {
  gateway = await startAiTestGateway({ shouldEcho: true, environment: { GATEWAY_DATABASE_URL: 'sqlite:' } });
  populated = await populateGatewayDatabase(gateway);
  const { database } = gateway.test.config;
  if (database.kind !== 'sqlite') throw new Error('the source gateway must be on SQLite');
  sourceFile = database.file;
  encryptionKey = primaryKeyOf(gateway.test.config.keyFilePath);
  postgres = await createTestPostgresDatabase();
  workDir = mkdtempSync(join(tmpdir(), 'pag-db-copy-pg-'));
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  await postgres?.drop();
  if (workDir != null) rmSync(workDir, { recursive: true, force: true });
});

function copy(args: string[], env: Record<string, string>) {
  return runGatewayCli({ args: ['db', 'copy', ...args], env, cwd: workDir });
}

/** The content of a body `/v1/chat/completions` answered, or the failure in full. */
async function answerOf(response: Response): Promise<string | undefined> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return (JSON.parse(text) as { choices: { message: { content: string } }[] }).choices[0]?.message.content;
}

describe('issue 21: gateway db copy (SQLite to PostgreSQL and back)', () => {
  it('issue 21: copies a populated SQLite gateway into a new PostgreSQL database, where every connection decrypts and answers, new rows get new ids, and the way back gives the same rows', async () => {
    // With the data dir's key file, as a SQLite gateway has it; the CLI then says which key the replicas need.
    const toPostgres = await copy(['--from', `sqlite:${sourceFile}`, '--to', postgres.url], {
      GATEWAY_DATA_DIR: gateway.test.dataDir,
    });
    expect(toPostgres.code, toPostgres.stderr).toBe(0);
    expect(toPostgres.stderr).toBe(
      `Run the gateways on ${postgres.url} with GATEWAY_ENCRYPTION_KEY set to the key ${gateway.test.vault.primaryKeyId} ` +
        `of ${gateway.test.config.keyFilePath} (its "key", base64).\n`,
    );
    const secrets = await listEncryptedValues(gateway.test.db);
    expect(toPostgres.stdout).toContain(`; ${secrets.length} secrets verified (key id `);

    let onPostgres: GatewayDatabase | undefined = await openPostgresDatabase(postgres.url, { poolSize: 2 });
    let server: GatewayOnDatabase | undefined;
    try {
      const sourceCounts = await countRows(gateway.test.db);
      expect(Object.entries(sourceCounts).filter(([, rows]) => rows === 0)).toEqual([]);
      expect(await countRows(onPostgres)).toEqual(sourceCounts);
      expect(await dumpRows(onPostgres)).toEqual(await dumpRows(gateway.test.db));

      // A replica on the copy: its start checks the key against the recorded key id and the stored secrets.
      server = await startGatewayOnDatabase({ databaseUrl: postgres.url, encryptionKey, fakes: gateway });
      // Every upstream sign-in of the copy answers: the ChatGPT connection, the saved OpenAI and Gemini keys.
      expect(await answerOf(await server.chat(populated.apiKey, 'chatgpt/gpt-5.5', 'via chatgpt'))).toBe(
        'echo: via chatgpt',
      );
      expect(gateway.fakeCodex.exchanges.at(-1)?.request?.headers.authorization).toBe(
        `Bearer ${populated.accessToken}`,
      );
      expect(await answerOf(await server.chat(populated.apiKey, 'openai/gpt-4.1', 'via openai'))).toBe(
        'echo: via openai',
      );
      expect(await answerOf(await server.chat(populated.bobApiKey, 'gemini/gemini-3.5-flash', 'via gemini'))).toBe(
        'echo: via gemini',
      );

      // Identity columns continue after the copied ids: a sign-in failure through the replica, an audit entry and a
      // quota reading written directly.
      const copiedMax = {
        audit: (await onPostgres.select({ id: auditLog.id }).from(auditLog).orderBy(desc(auditLog.id)).limit(1))[0]?.id,
        quota: (
          await onPostgres
            .select({ id: quotaSnapshots.id })
            .from(quotaSnapshots)
            .orderBy(desc(quotaSnapshots.id))
            .limit(1)
        )[0]?.id,
        failures: (
          await onPostgres
            .select({ id: signInFailures.id })
            .from(signInFailures)
            .orderBy(desc(signInFailures.id))
            .limit(1)
        )[0]?.id,
      };
      const wrong = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'bob@example.com', password: 'still not the password' }),
      });
      expect(wrong.status).toBe(401);
      await recordAuditEvent({ db: onPostgres, now: Date.now }, { action: 'user.role_changed', userId: null });
      const [quota] = await onPostgres
        .insert(quotaSnapshots)
        .values({ userId: populated.ownerId, observedAt: new Date(), source: 'headers', fiveHourUsedPercent: 1 })
        .returning({ id: quotaSnapshots.id });
      const [failure] = await onPostgres
        .select({ id: signInFailures.id })
        .from(signInFailures)
        .orderBy(desc(signInFailures.id))
        .limit(1);
      const [audit] = await onPostgres.select({ id: auditLog.id }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
      expect({ audit: audit?.id, quota: quota?.id, failure: failure?.id }).toEqual({
        // The replica's failed sign-in wrote an audit entry before ours.
        audit: (copiedMax.audit ?? 0) + 2,
        quota: (copiedMax.quota ?? 0) + 1,
        failure: (copiedMax.failures ?? 0) + 1,
      });

      // And back, as one would leave PostgreSQL: the replicas stopped, with the key they ran with.
      await server.stop();
      server = undefined;
      const backFile = join(workDir, 'back', 'gateway.db');
      const back = await copy(['--from', postgres.url, '--to', `sqlite:${backFile}`], {
        GATEWAY_DATA_DIR: join(workDir, 'no-key-file-here'),
        GATEWAY_ENCRYPTION_KEY: encryptionKey,
      });
      expect(back.stderr).toBe('');
      expect(back.code).toBe(0);
      const backCopy = openDatabase(backFile);
      try {
        const postgresCounts = await countRows(onPostgres);
        expect(postgresCounts.audit_log).toBe((sourceCounts.audit_log ?? 0) + 2);
        expect(await countRows(backCopy)).toEqual(postgresCounts);
        expect(await dumpRows(backCopy)).toEqual(await dumpRows(onPostgres));
      } finally {
        await backCopy.$close();
      }
    } finally {
      await server?.stop();
      await onPostgres?.$close();
      onPostgres = undefined;
    }
  }, 120_000);
});
