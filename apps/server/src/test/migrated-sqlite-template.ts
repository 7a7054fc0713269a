import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { openDatabase } from '../db/open-database.ts';

let template: Promise<string> | undefined;

/**
 * Puts a copy of an empty, migrated SQLite database at `file`, unless a database is there already (a test that
 * starts an app again on its database). Migrating a new file is a fifth of building a test app, and the suites
 * build hundreds: the migrations run once per worker, and openDatabase finds them all applied in the copy.
 */
export async function copyMigratedSqliteTemplate(file: string): Promise<void> {
  if (existsSync(file)) return;
  template ??= (async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pag-test-template-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'gateway.db');
    // Closing checkpoints the write-ahead log into the file: the copy is the whole database.
    await openDatabase(path).$close();
    return path;
  })();
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  copyFileSync(await template, file);
}
