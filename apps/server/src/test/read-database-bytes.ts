import { existsSync, readFileSync } from 'node:fs';

/** The whole SQLite database as text, main file and WAL together, to grep for secrets that must not be there. */
export function readDatabaseBytes(databaseFile: string): string {
  return [databaseFile, `${databaseFile}-wal`]
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('');
}
