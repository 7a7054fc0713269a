import type { UsageRequestRow } from '@pag/contracts';
import { stringify } from 'csv-stringify/sync';

/** The CSV's columns, in order: the row's fields as the JSON API names them. */
export const USAGE_CSV_COLUMNS = [
  'id',
  'createdAt',
  'callerKind',
  'apiKeyId',
  'keyName',
  'appClientId',
  'appName',
  'route',
  'feature',
  'provider',
  'model',
  'inputTokens',
  'cachedInputTokens',
  'outputTokens',
  'reasoningTokens',
  'firstTokenMs',
  'durationMs',
  'status',
  'errorCode',
  'fallbackFrom',
  'isSubscription',
  'apiPriceUsd',
  'priceVersion',
] as const satisfies readonly (keyof UsageRequestRow)[];

/** Rows per CSV chunk: one write per chunk, not per row. */
const CHUNK_ROWS = 200;

/**
 * The rows as CSV text chunks (RFC 4180 quoting by csv-stringify: a key or app name holding a comma, a quote or a
 * newline stays one field). A cell that starts like a formula (`=`, `+`, `-`, `@`) is prefixed with `'` so a
 * spreadsheet shows, not runs, a name someone chose.
 */
export async function* toUsageCsvChunks(rows: AsyncIterable<UsageRequestRow>): AsyncGenerator<string> {
  yield stringify([[...USAGE_CSV_COLUMNS]]);
  let chunk: unknown[][] = [];
  for await (const row of rows) {
    chunk.push(USAGE_CSV_COLUMNS.map((column) => toCell(row[column])));
    if (chunk.length === CHUNK_ROWS) {
      yield stringify(chunk);
      chunk = [];
    }
  }
  if (chunk.length > 0) yield stringify(chunk);
}

function toCell(value: string | number | boolean | null): string | number {
  if (value == null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(value)) return `'${value}`;
  return value;
}
