import type { GatewayDatabase } from './open-database.ts';

type Preparable = { prepare(): unknown };

/**
 * A query built and prepared once per database instead of on every call. Drizzle's query builder and the database's
 * statement compiler cost far more than running the statement (on SQLite about 0.1 ms against 10 µs), and the hot
 * paths — the API key and the user's upstreams on every `/v1` request — run the same few queries with different
 * values. Values go in as `sql.placeholder(...)`; nothing about the result is cached, so every call reads the
 * current row. Run it with `await query(db).execute(values)` (rows for a select) on either database.
 *
 * @param name the statement's name on PostgreSQL, which prepares per connection by name; unique in the gateway
 * @param build the query, without `.prepare()`
 */
export function preparedQuery<B extends Preparable>(
  name: string,
  build: (db: GatewayDatabase) => B,
): (db: GatewayDatabase) => ReturnType<B['prepare']> {
  const prepared = new WeakMap<GatewayDatabase, ReturnType<B['prepare']>>();
  return (db) => {
    let query = prepared.get(db);
    if (query === undefined) {
      // SQLite's builders take no name; PostgreSQL's need one.
      query = (build(db) as unknown as { prepare(name: string): ReturnType<B['prepare']> }).prepare(name);
      prepared.set(db, query);
    }
    return query;
  };
}
