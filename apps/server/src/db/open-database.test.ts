import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isPostgresRun } from '../test/open-test-database.ts';
import { openDatabase } from './open-database.ts';

// Issue 16 failure 9: the SQLite files were created 0644 (inside a 0700 directory). They hold every user's
// sessions, key hashes and encrypted tokens, so they are the owner's alone, whatever the umask.

let dataDir: string;
let previousUmask: number;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'pag-db-modes-'));
  // The usual umask, which leaves new files readable by everyone.
  previousUmask = process.umask(0o022);
});
afterEach(() => {
  process.umask(previousUmask);
  rmSync(dataDir, { recursive: true, force: true });
});

const modeOf = (path: string) => statSync(path).mode & 0o777;

// SQLite only: PostgreSQL keeps its data in its own server's files, which the gateway neither creates nor owns.
describe.skipIf(isPostgresRun())('openDatabase', () => {
  it('issue 16: should create the database and its -wal and -shm files readable by the owner only (0600)', async () => {
    const file = join(dataDir, 'gateway.db');
    const db = openDatabase(file);
    try {
      // The migrations have written: the WAL and its index exist while the connection is open.
      expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      await db.$close();
    }
  });

  it('issue 16: should take group and other permissions off database files an earlier version left open', async () => {
    const file = join(dataDir, 'gateway.db');
    for (const path of [file, `${file}-wal`, `${file}-shm`]) writeFileSync(path, '', { mode: 0o644 });
    expect(modeOf(file)).toBe(0o644);
    const db = openDatabase(file);
    try {
      expect([modeOf(file), modeOf(`${file}-wal`), modeOf(`${file}-shm`)]).toEqual([0o600, 0o600, 0o600]);
    } finally {
      await db.$close();
    }
  });
});
