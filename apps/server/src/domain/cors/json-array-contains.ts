import { type SQL, type SQLWrapper, sql } from 'drizzle-orm';
import type { GatewayDatabase } from '../../db/open-database.ts';

/**
 * Whether a text column holding a JSON array of strings (an allowed-origins list) contains `value`, as a condition
 * the database evaluates. The two databases spell it differently: SQLite's table-valued `json_each`, PostgreSQL's
 * `json_array_elements_text` on the text cast to `json` (the column is text on both, schema.ts).
 */
export function jsonArrayContains(db: GatewayDatabase, column: SQLWrapper, value: SQLWrapper | string): SQL {
  return db.$dialect === 'postgres'
    ? sql`exists (select 1 from json_array_elements_text(${column}::json) as element(value) where element.value = ${value})`
    : sql`exists (select 1 from json_each(${column}) where json_each.value = ${value})`;
}
