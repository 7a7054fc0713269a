import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ADVISORY_LOCKS } from '../db/advisory-locks.ts';
import { type GatewayDatabase, openDatabase, openPostgresDatabase } from '../db/open-database.ts';

/**
 * The PostgreSQL server the integration suites run against as well, when set (`.ci/run` starts one on loopback and
 * runs the server's tests a second time with it; docs/postgres.md §6). Unset: SQLite only.
 */
export const TEST_POSTGRES_URL = process.env.GATEWAY_TEST_POSTGRES_URL;

export function isPostgresRun(): boolean {
  return TEST_POSTGRES_URL !== undefined && TEST_POSTGRES_URL !== '';
}

const MIGRATIONS = fileURLToPath(new URL('../db/migrations-postgres', import.meta.url));
let templateReady: Promise<string> | undefined;

/** The name of a migrated database that every test database is copied from (one per set of migrations). */
function ensureTemplate(serverUrl: string): Promise<string> {
  templateReady ??= (async () => {
    const hash = createHash('sha256');
    for (const file of readdirSync(MIGRATIONS, { recursive: true }).map(String).sort()) {
      if (file.endsWith('.sql')) hash.update(file).update(readFileSync(`${MIGRATIONS}/${file}`));
    }
    const name = `pag_template_${hash.digest('hex').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      // Test workers start together; one of them builds the template.
      await admin.query('select pg_advisory_lock($1)', [ADVISORY_LOCKS.testTemplate]);
      const found = await admin.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount === 0) {
        await admin.query(`create database ${name}`);
        const db = await openPostgresDatabase(databaseUrl(serverUrl, name), { poolSize: 1 });
        await db.$close();
      }
      await admin.query('select pg_advisory_unlock($1)', [ADVISORY_LOCKS.testTemplate]);
    } finally {
      await admin.end();
    }
    return name;
  })();
  return templateReady;
}

function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** A new, empty, migrated PostgreSQL database on the test server; `drop` removes it. */
export async function createTestPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const serverUrl = TEST_POSTGRES_URL as string;
  const template = await ensureTemplate(serverUrl);
  const name = `pag_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${template}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(serverUrl, name),
    drop: async () => {
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    },
  };
}

/**
 * A fresh database for one test: SQLite in memory, or on a PostgreSQL run a new database of its own (dropped when
 * the returned database is closed).
 */
export async function openTestDatabase(): Promise<GatewayDatabase> {
  if (!isPostgresRun()) return openDatabase(':memory:');
  const created = await createTestPostgresDatabase();
  const db = await openPostgresDatabase(created.url, { poolSize: 4 });
  const close = db.$close;
  return Object.assign(db, {
    $close: async () => {
      await close();
      await created.drop();
    },
  });
}
