import pg from 'pg';

// Loaded only by openPostgresDatabase (open-database.ts), when the gateway runs on PostgreSQL.

// node-postgres returns int8 and numeric as strings (they may not fit a double). Every bigint the gateway stores is
// a millisecond time, a count or a 0/1 flag, and its sums fit a double exactly, so they are read as numbers — the
// values the column mappers of schema.ts expect, the same SQLite gives. Process-wide, as the library allows.
pg.types.setTypeParser(pg.types.builtins.INT8, Number);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, Number);

export { drizzle as drizzlePostgres } from 'drizzle-orm/node-postgres';
export { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
export { pg };
