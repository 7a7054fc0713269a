import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { findFreeLoopbackPort } from '@pag/testkit';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open-database.ts';
import { apiCredentials } from '../db/schema.ts';
import { createUser } from '../domain/accounts/create-user.ts';
import { listEncryptedValues } from '../domain/vault/encrypted-columns.ts';
import { TEST_PASSWORD } from './build-test-app.ts';
import { countRows, dumpRows, type PopulatedGateway, populateGatewayDatabase } from './populate-gateway-database.ts';
import { runGatewayCli } from './run-process.ts';
import { type AiTestGateway, startAiTestGateway } from './start-ai-test-gateway.ts';
import { primaryKeyOf, startGatewayOnDatabase } from './start-gateway-on-database.ts';

// `gateway db copy` (docs/postgres.md §7) between two SQLite files, with the real CLI: what a copy holds, that a
// gateway runs on it, and that every refusal leaves the target as it was. SQLite → PostgreSQL and back is
// db-copy.postgres.test.ts. The source is a SQLite gateway on every run (GATEWAY_DATABASE_URL=sqlite:, its data
// dir's gateway.db), so this file needs no PostgreSQL server.

let gateway: AiTestGateway;
let populated: PopulatedGateway;
let workDir: string;
let sourceFile: string;

beforeAll(async () => {
  gateway = await startAiTestGateway({ shouldEcho: true, environment: { GATEWAY_DATABASE_URL: 'sqlite:' } });
  populated = await populateGatewayDatabase(gateway);
  const { database } = gateway.test.config;
  if (database.kind !== 'sqlite') throw new Error('the source gateway must be on SQLite');
  sourceFile = database.file;
  workDir = mkdtempSync(join(tmpdir(), 'pag-db-copy-'));
}, 60_000);

afterAll(async () => {
  await gateway?.close();
  if (workDir != null) rmSync(workDir, { recursive: true, force: true });
});

/** `gateway db copy …` in `workDir`, with the source gateway's data dir (its key file). */
function copy(args: string[], env: Record<string, string> = {}) {
  return runGatewayCli({
    args: ['db', 'copy', ...args],
    env: { GATEWAY_DATA_DIR: gateway.test.dataDir, ...env },
    cwd: workDir,
  });
}

/** An existing gateway database with nothing in it (migrated, as a first start leaves it before setup). */
async function createEmptyDatabase(file: string): Promise<void> {
  await openDatabase(file).$close();
}

describe('issue 21: gateway db copy (SQLite to SQLite)', () => {
  it('issue 21: copies every row of a populated gateway into a new SQLite file, and a gateway on the copy answers with the copied key through the copied connection', async () => {
    const sourceCounts = await countRows(gateway.test.db);
    expect(Object.entries(sourceCounts).filter(([, rows]) => rows === 0)).toEqual([]);
    // Both paths relative to the working directory, as GATEWAY_DATABASE_URL's are; the target's folder is new too.
    const result = await copy([
      '--from',
      `sqlite:${relative(workDir, sourceFile)}`,
      '--to',
      'sqlite:copies/gateway.db',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const copyFile = join(workDir, 'copies', 'gateway.db');
    const lines = result.stdout.trimEnd().split('\n');
    const summary = lines.pop();
    expect(
      Object.fromEntries(lines.map((line) => line.split('\t')).map(([name, rows]) => [name, Number(rows)])),
    ).toEqual(sourceCounts);
    const totalRows = Object.values(sourceCounts).reduce((sum, rows) => sum + rows, 0);
    const secrets = await listEncryptedValues(gateway.test.db);
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    expect(summary).toBe(
      `copied ${totalRows} rows in ${lines.length} tables from sqlite:${sourceFile} to sqlite:${copyFile}; ` +
        `${secrets.length} secrets verified (key id ${gateway.test.vault.primaryKeyId})`,
    );

    const copied = openDatabase(copyFile);
    try {
      expect(await dumpRows(copied)).toEqual(await dumpRows(gateway.test.db));
    } finally {
      await copied.$close();
    }

    // The copy alone, with the key: a new data dir holds no key file and no other database.
    const onCopy = await startGatewayOnDatabase({
      databaseUrl: `sqlite:${copyFile}`,
      encryptionKey: primaryKeyOf(gateway.test.config.keyFilePath),
      fakes: gateway,
    });
    try {
      const answer = await onCopy.chat(populated.apiKey, 'chatgpt/gpt-5.5', 'hello from the copy');
      expect(answer.status, await answer.clone().text()).toBe(200);
      const body = (await answer.json()) as { choices: { message: { content: string } }[] };
      expect(body.choices[0]?.message.content).toBe('echo: hello from the copy');
      // Through the copied connection: its access token, decrypted from the copy.
      expect(gateway.fakeCodex.exchanges.at(-1)?.request?.headers.authorization).toBe(
        `Bearer ${populated.accessToken}`,
      );
    } finally {
      await onCopy.stop();
    }
  }, 60_000);

  it('issue 21: refuses a target that holds any row, and leaves it as it was', async () => {
    const targetFile = join(workDir, 'occupied.db');
    const target = openDatabase(targetFile);
    await createUser(
      { db: target, now: Date.now },
      { email: 'someone@example.com', password: TEST_PASSWORD, isAdmin: true },
    );
    const before = await dumpRows(target);
    await target.$close();

    const result = await copy(['--from', `sqlite:${sourceFile}`, '--to', `sqlite:${targetFile}`]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: 'gateway: The target database is not empty (table users has 1 row): copy into a new, empty database.\n',
    });
    const after = openDatabase(targetFile);
    try {
      expect(await dumpRows(after)).toEqual(before);
    } finally {
      await after.$close();
    }
  }, 60_000);

  it('issue 21: refuses a copy whose secrets do not decrypt on the target, leaving an empty target empty and no new file behind', async () => {
    // Two saved keys swapped between their rows: each still decrypts with the key, but not in its row's context
    // (vault ciphertexts are bound to their row). The vault's check at start samples one value per key id, a
    // connection token, so only the copy's own verification of every secret can notice.
    const rows = await gateway.test.db
      .select({ id: apiCredentials.id, ciphertext: apiCredentials.keyCiphertext })
      .from(apiCredentials);
    expect(rows).toHaveLength(2);
    const [first, second] = rows as [(typeof rows)[0], (typeof rows)[0]];
    const store = async (id: string, ciphertext: string) =>
      gateway.test.db.update(apiCredentials).set({ keyCiphertext: ciphertext }).where(eq(apiCredentials.id, id));
    const emptyFile = join(workDir, 'empty.db');
    await createEmptyDatabase(emptyFile);
    try {
      await store(first.id, second.ciphertext);
      await store(second.id, first.ciphertext);

      const refused = await copy(['--from', `sqlite:${sourceFile}`, '--to', `sqlite:${emptyFile}`]);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toBe('');
      expect(refused.stderr).toMatch(
        /^gateway: 2 of \d+ secrets on the target do not decrypt with the configured key \(api_credentials\.key_ciphertext of [\w-]+, api_credentials\.key_ciphertext of [\w-]+\), nothing was kept: run with the key the source was written with\.\n$/,
      );
      const target = openDatabase(emptyFile);
      try {
        expect(Object.entries(await countRows(target)).filter(([, rows]) => rows > 0)).toEqual([]);
      } finally {
        await target.$close();
      }

      const newFile = join(workDir, 'never', 'made.db');
      const refusedNew = await copy(['--from', `sqlite:${sourceFile}`, '--to', `sqlite:${newFile}`]);
      expect(refusedNew.code).toBe(1);
      expect(refusedNew.stderr).toMatch(/^gateway: 2 of \d+ secrets on the target do not decrypt/);
      expect(existsSync(newFile)).toBe(false);
    } finally {
      await store(first.id, first.ciphertext);
      await store(second.id, second.ciphertext);
    }
  }, 60_000);

  it('issue 21: refuses the same database twice, a missing source and an unreachable target in one line, never printing a password', async () => {
    // A loopback port nothing listens on: the connection is refused at once.
    const port = await findFreeLoopbackPort();
    // Four processes at once: each refusal stands alone.
    const [same, missing, unreachable, malformed] = await Promise.all([
      copy(['--from', `sqlite:${sourceFile}`, '--to', `sqlite:${relative(workDir, sourceFile)}`]),
      copy(['--from', 'sqlite:no/such/gateway.db', '--to', 'sqlite:missing-copy.db']),
      copy(['--from', `sqlite:${sourceFile}`, '--to', `postgres://gateway:s3cret-Pa55@127.0.0.1:${port}/gateway`]),
      copy(['--from', `sqlite:${sourceFile}`, '--to', 'mysql://somewhere/gateway']),
    ]);
    expect(same).toEqual({
      code: 1,
      stdout: '',
      stderr: `gateway: --from and --to are the same database (sqlite:${sourceFile}): copy into another one.\n`,
    });
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: `gateway: The source database sqlite:${join(workDir, 'no/such/gateway.db')} does not exist.\n`,
    });
    expect(existsSync(join(workDir, 'no'))).toBe(false);
    expect(existsSync(join(workDir, 'missing-copy.db'))).toBe(false);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stdout).toBe('');
    expect(unreachable.stderr).toMatch(
      new RegExp(
        `^gateway: Cannot open the target database postgres://gateway:\\*\\*\\*@127\\.0\\.0\\.1:${port}/gateway: .*ECONNREFUSED.*\\n$`,
      ),
    );
    expect(unreachable.stderr).not.toContain('s3cret');
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(
      /^gateway: --to must be sqlite:<file> or postgres:\/\/user:password@host:port\/database\n\nUsage:/,
    );
  }, 60_000);
});
