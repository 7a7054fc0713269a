import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { DatabaseLocation } from '../db/open-database.ts';

export type StatementCounter = {
  /** The SQL of every statement the database ran since the counter started (or was last reset), in order. */
  readonly statements: readonly string[];
  reset(): void;
  /**
   * Waits until the database has been quiet for `quietMs` (at most 5 s): work a request left behind, such as the
   * usage ledger's batch written a little after each answer, is then done and cannot fall into the next count.
   */
  settle(quietMs?: number): Promise<void>;
  /** Puts the drivers' methods back. */
  stop(): void;
};

type StatementMethod = 'run' | 'get' | 'all' | 'iterate';
const SQLITE_METHODS: readonly StatementMethod[] = ['run', 'get', 'all', 'iterate'];

/**
 * Records every statement the gateway's database runs, on either driver, for tests that hold the hot path to a number
 * of database round trips (issue 22). It wraps the drivers' own execute methods (better-sqlite3's statement methods,
 * node-postgres' `Client#query`) for the one database file or database name, so whatever the gateway uses to reach
 * the database is seen, and another database of the same test process is not.
 */
export function countDatabaseStatements(location: DatabaseLocation): StatementCounter {
  const statements: string[] = [];
  const stop =
    location.kind === 'postgres' ? wrapPostgres(location.url, statements) : wrapSqlite(location.file, statements);
  return {
    statements,
    reset: () => {
      statements.length = 0;
    },
    settle: async (quietMs = 300) => {
      const deadline = Date.now() + 5_000;
      let seen = -1;
      while (seen !== statements.length && Date.now() < deadline) {
        seen = statements.length;
        await sleep(quietMs);
      }
    },
    stop,
  };
}

function wrapSqlite(file: string, statements: string[]): () => void {
  // Every better-sqlite3 statement shares one prototype; a throwaway database hands it over.
  const probe = new Database(':memory:');
  const prototype = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    StatementMethod,
    (...args: unknown[]) => unknown
  >;
  probe.close();
  const originals = SQLITE_METHODS.map((method) => [method, prototype[method]] as const);
  for (const [method, original] of originals) {
    prototype[method] = function (this: Database.Statement, ...args: unknown[]) {
      if (this.database.name === file) statements.push(this.source);
      return original.apply(this, args);
    };
  }
  return () => {
    for (const [method, original] of originals) prototype[method] = original;
  };
}

function wrapPostgres(url: string, statements: string[]): () => void {
  const database = new URL(url).pathname.slice(1);
  const prototype = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = prototype.query;
  prototype.query = function (this: pg.Client, ...args: unknown[]) {
    if (this.database === database) {
      const [query] = args;
      statements.push(typeof query === 'string' ? query : String((query as { text?: string }).text));
    }
    return original.apply(this, args);
  };
  return () => {
    prototype.query = original;
  };
}
