import type { UsageRequestList, UsageRequestRow } from '@pag/contracts';
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import { apiKeys, registeredApps, usageEvents } from '../../db/schema.ts';
import type { DomainContext } from '../domain-context.ts';
import { GatewayError } from '../gateway-error.ts';
import { type UsageCaller, type UsageFilters, usageConditions } from './usage-scope.ts';

/** The page cursor: the last row's time and id (keyset pagination: stable while new rows arrive). */
type Cursor = { createdAtMs: number; id: string };

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(`${cursor.createdAtMs}:${cursor.id}`, 'utf8').toString('base64url');
}

function decodeCursor(value: string): Cursor {
  const text = Buffer.from(value, 'base64url').toString('utf8');
  const separator = text.indexOf(':');
  const createdAtMs = Number(text.slice(0, separator));
  const id = text.slice(separator + 1);
  if (separator <= 0 || !Number.isSafeInteger(createdAtMs) || id === '') {
    throw new GatewayError('invalid_request', '"cursor" is not one this API returned: pass "nextCursor" as it is');
  }
  return { createdAtMs, id };
}

/** Rows strictly after the cursor in newest-first order. */
function afterCursor(cursor: Cursor): SQL {
  const at = new Date(cursor.createdAtMs);
  return or(lt(usageEvents.createdAt, at), and(eq(usageEvents.createdAt, at), lt(usageEvents.id, cursor.id))) as SQL;
}

function readPage(
  context: DomainContext,
  input: { caller: UsageCaller; filters: UsageFilters; limit: number; cursor: Cursor | null },
) {
  const where = usageConditions(input.caller, input.filters);
  return context.db
    .select({ event: usageEvents, keyName: apiKeys.name, appName: registeredApps.name })
    .from(usageEvents)
    .leftJoin(apiKeys, and(eq(apiKeys.id, usageEvents.apiKeyId), eq(apiKeys.userId, usageEvents.userId)))
    .leftJoin(registeredApps, eq(registeredApps.clientId, usageEvents.appClientId))
    .where(input.cursor == null ? where : and(where, afterCursor(input.cursor)))
    .orderBy(desc(usageEvents.createdAt), desc(usageEvents.id))
    .limit(input.limit);
}

function toRow(row: Awaited<ReturnType<typeof readPage>>[number]): UsageRequestRow {
  const { event } = row;
  return {
    id: event.id,
    createdAt: event.createdAt.toISOString(),
    callerKind: event.callerKind,
    apiKeyId: event.apiKeyId,
    keyName: row.keyName,
    appClientId: event.appClientId,
    appName: row.appName,
    route: event.route,
    feature: event.feature,
    provider: event.provider,
    model: event.model,
    inputTokens: event.inputTokens,
    cachedInputTokens: event.cachedInputTokens,
    outputTokens: event.outputTokens,
    reasoningTokens: event.reasoningTokens,
    firstTokenMs: event.firstTokenMs,
    durationMs: event.durationMs,
    status: event.status,
    errorCode: event.errorCode,
    fallbackFrom: event.fallbackFrom,
    isSubscription: event.isSubscription,
    apiPriceUsd: event.apiPriceMicros == null ? null : event.apiPriceMicros / 1_000_000,
    priceVersion: event.priceVersion,
  };
}

/** `GET /api/usage/requests`: one page of the caller's ledger rows, newest first. */
export async function listUsageRequests(
  context: DomainContext,
  input: { caller: UsageCaller; filters: UsageFilters; limit: number; cursor?: string | undefined },
): Promise<UsageRequestList> {
  const cursor = input.cursor == null ? null : decodeCursor(input.cursor);
  // One row more than asked says whether there is a next page without a count query.
  const rows = await readPage(context, { ...input, limit: input.limit + 1, cursor });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    requests: page.map(toRow),
    nextCursor:
      rows.length > input.limit && last != null
        ? encodeCursor({ createdAtMs: last.event.createdAt.getTime(), id: last.event.id })
        : null,
  };
}

/** Rows per database read while exporting: memory stays flat however many rows match. */
const EXPORT_PAGE_SIZE = 500;

/** Every matching row, newest first, read page by page (for the CSV export). */
export async function* iterateUsageRequests(
  context: DomainContext,
  input: { caller: UsageCaller; filters: UsageFilters },
): AsyncGenerator<UsageRequestRow> {
  let cursor: Cursor | null = null;
  // Bounded: each page moves the cursor strictly back in time, and the range is bounded.
  for (;;) {
    const rows = await readPage(context, { ...input, limit: EXPORT_PAGE_SIZE, cursor });
    for (const row of rows) yield toRow(row);
    const last = rows.at(-1);
    if (rows.length < EXPORT_PAGE_SIZE || last == null) return;
    cursor = { createdAtMs: last.event.createdAt.getTime(), id: last.event.id };
  }
}
