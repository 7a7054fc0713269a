import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SOURCE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every TypeScript file of the server, tests included (they run on PostgreSQL too). */
function sourceFiles(): string[] {
  return readdirSync(SOURCE_ROOT, { recursive: true })
    .map(String)
    .filter((file) => file.endsWith('.ts'));
}

// docs/postgres.md §3: the same code runs on SQLite and PostgreSQL. What only better-sqlite3 has would pass every
// SQLite test and fail on PostgreSQL alone, so it is refused here, where it costs nothing to find.
describe('issue 21: queries that run on both databases', () => {
  it('never ends a query builder with a SQLite-only .get() / .all() / .run() / .values(), nor reaches $client', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles()) {
      if (file === join('db', 'portable-queries.test.ts')) continue;
      const lines = readFileSync(join(SOURCE_ROOT, file), 'utf8').split('\n');
      lines.forEach((line, index) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        // Map/Set `.values()` and the like take a receiver that is not a query: they end in an identifier.
        const builderCall = /\)\s*\.(get|all|run)\(\)|\)\s*\.values\(\)/.test(code);
        if (builderCall || /\.\$client\b/.test(code)) offenders.push(`${file}:${index + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});
