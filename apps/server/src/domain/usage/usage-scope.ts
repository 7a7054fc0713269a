import { and, eq, gte, isNotNull, isNull, lt, or, type SQL, sql } from 'drizzle-orm';
import { usageEvents } from '../../db/schema.ts';
import { GatewayError } from '../gateway-error.ts';

/**
 * Whose rows a caller may read: a session sees all of its user's rows, an API key only its own, a connected app
 * only its own (the ledger is per request, so a key never learns what another key of the same user did).
 */
export type UsageCaller =
  | { kind: 'user'; userId: string }
  | { kind: 'api-key'; userId: string; keyId: string }
  | { kind: 'app'; userId: string; clientId: string };

export type UsageFilters = {
  fromMs: number;
  toMs: number;
  keyId?: string | undefined;
  appClientId?: string | undefined;
  status?: 'ok' | 'error' | undefined;
  errorCode?: string | undefined;
  model?: string | undefined;
  provider?: string | undefined;
};

/** When the query names no range: the last 30 days. */
export const DEFAULT_RANGE_MS = 30 * 24 * 60 * 60 * 1000;
/** The longest range one query may cover (a day per group must stay a small table). */
export const MAX_RANGE_MS = 400 * 24 * 60 * 60 * 1000;

/** The query's `from`/`to` (ISO strings) as a checked millisecond range. */
export function resolveRange(input: { from?: string | undefined; to?: string | undefined }, now: number) {
  const toMs = input.to == null ? now : Date.parse(input.to);
  const fromMs = input.from == null ? toMs - DEFAULT_RANGE_MS : Date.parse(input.from);
  if (!(fromMs < toMs)) throw new GatewayError('invalid_request', '"from" must be before "to"');
  if (toMs - fromMs > MAX_RANGE_MS) {
    throw new GatewayError('invalid_request', 'the range from "from" to "to" may span at most 400 days');
  }
  return { fromMs, toMs };
}

/** A failed request: an error code, or an error status (a stream that failed after its start keeps 200 + code). */
export const IS_ERROR = sql`(${usageEvents.errorCode} is not null or ${usageEvents.status} >= 400)`;

/** The WHERE clause for the caller's rows in the range, with the optional filters. */
export function usageConditions(caller: UsageCaller, filters: UsageFilters): SQL {
  const conditions: (SQL | undefined)[] = [
    eq(usageEvents.userId, caller.userId),
    gte(usageEvents.createdAt, new Date(filters.fromMs)),
    lt(usageEvents.createdAt, new Date(filters.toMs)),
    caller.kind === 'api-key' ? eq(usageEvents.apiKeyId, caller.keyId) : undefined,
    caller.kind === 'app' ? eq(usageEvents.appClientId, caller.clientId) : undefined,
    filters.keyId == null ? undefined : eq(usageEvents.apiKeyId, filters.keyId),
    filters.appClientId == null ? undefined : eq(usageEvents.appClientId, filters.appClientId),
    filters.errorCode == null ? undefined : eq(usageEvents.errorCode, filters.errorCode),
    filters.model == null ? undefined : eq(usageEvents.model, filters.model),
    filters.provider == null ? undefined : eq(usageEvents.provider, filters.provider),
    filters.status === 'error' ? or(isNotNull(usageEvents.errorCode), gte(usageEvents.status, 400)) : undefined,
    filters.status === 'ok' ? and(isNull(usageEvents.errorCode), lt(usageEvents.status, 400)) : undefined,
  ];
  return and(...conditions.filter((condition) => condition != null)) as SQL;
}
