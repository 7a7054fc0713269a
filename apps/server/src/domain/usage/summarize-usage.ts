import type { UsageGroup, UsageGroupBy, UsageSummary, UsageTotals } from '@pag/contracts';
import { type SQL, sql } from 'drizzle-orm';
import type { DomainContext } from '../domain-context.ts';
import { IS_ERROR, type UsageCaller, usageConditions } from './usage-scope.ts';
import { zonedDays } from './zoned-days.ts';

type AggregateRow = {
  group_key: string;
  label: string | null;
  requests: number;
  errors: number;
  input_tokens: number;
  cached_input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  api_micros: number;
  saved_micros: number;
  spent_micros: number;
};

/** The sums of {@link UsageTotals}, in SQL: the ledger can hold millions of rows, the answer is a few numbers. */
const AGGREGATES = sql`
  count(usage_events.id) as requests,
  coalesce(sum(case when usage_events.id is null then 0 when ${IS_ERROR} then 1 else 0 end), 0) as errors,
  coalesce(sum(usage_events.input_tokens), 0) as input_tokens,
  coalesce(sum(usage_events.cached_input_tokens), 0) as cached_input_tokens,
  coalesce(sum(usage_events.output_tokens), 0) as output_tokens,
  coalesce(sum(usage_events.reasoning_tokens), 0) as reasoning_tokens,
  coalesce(sum(usage_events.api_price_micros), 0) as api_micros,
  coalesce(sum(case when usage_events.is_subscription = 1 then usage_events.api_price_micros end), 0) as saved_micros,
  coalesce(sum(case when usage_events.is_subscription = 0 then usage_events.api_price_micros end), 0) as spent_micros`;

/** Each dimension's group key and, where one is known, a readable label. */
const DIMENSIONS: Record<Exclude<UsageGroupBy, 'day'>, { key: SQL; label: SQL; join?: SQL }> = {
  provider: { key: sql`coalesce(usage_events.provider, '')`, label: sql`null` },
  model: { key: sql`coalesce(usage_events.model, '')`, label: sql`null` },
  feature: { key: sql`coalesce(usage_events.feature, '')`, label: sql`null` },
  route: { key: sql`usage_events.route`, label: sql`null` },
  key: {
    key: sql`coalesce(usage_events.api_key_id, '')`,
    label: sql`max(api_keys.name)`,
    join: sql`left join api_keys on api_keys.id = usage_events.api_key_id and api_keys.user_id = usage_events.user_id`,
  },
  app: {
    key: sql`coalesce(usage_events.app_client_id, '')`,
    label: sql`max(registered_apps.name)`,
    join: sql`left join registered_apps on registered_apps.client_id = usage_events.app_client_id`,
  },
};

const micros = (value: number) => value / 1_000_000;

function toTotals(row: AggregateRow | undefined): UsageTotals {
  return {
    requests: row?.requests ?? 0,
    errors: row?.errors ?? 0,
    inputTokens: row?.input_tokens ?? 0,
    cachedInputTokens: row?.cached_input_tokens ?? 0,
    outputTokens: row?.output_tokens ?? 0,
    reasoningTokens: row?.reasoning_tokens ?? 0,
    apiPriceUsd: micros(row?.api_micros ?? 0),
    savedUsd: micros(row?.saved_micros ?? 0),
    spentUsd: micros(row?.spent_micros ?? 0),
  };
}

/** What a group without a value is called: no key (a session or an app), no app, no feature… */
const EMPTY_LABEL: Record<UsageGroupBy, string> = {
  day: '',
  provider: 'no provider',
  model: 'no model',
  key: 'no API key',
  app: 'no app',
  feature: 'no feature',
  route: '',
};

/**
 * `GET /api/usage`: the caller's totals over [from, to) and the same sums per group. Days are the calendar days of
 * `timeZone` (every day of the range, empty ones too, so a chart has no gaps); other groups are those with rows,
 * most requests first.
 */
export async function summarizeUsage(
  context: DomainContext,
  input: { caller: UsageCaller; fromMs: number; toMs: number; groupBy: UsageGroupBy; timeZone: string },
): Promise<UsageSummary> {
  const where = usageConditions(input.caller, { fromMs: input.fromMs, toMs: input.toMs });
  const totals = await context.db.get<AggregateRow>(
    sql`select '' as group_key, null as label, ${AGGREGATES} from usage_events where ${where}`,
  );
  let rows: AggregateRow[];
  if (input.groupBy === 'day') {
    // The days are the zone's calendar days, computed here (zoned-days.ts), so neither database needs time zones.
    // The casts type the bound values: PostgreSQL reads an untyped parameter in `values` as text, which it then
    // refuses to compare with the bigint `created_at`; SQLite gives `bigint` integer affinity, a no-op here.
    const days = zonedDays(input.timeZone, input.fromMs, input.toMs);
    const values = sql.join(
      days.map((day) => sql`(cast(${day.day} as text), cast(${day.startMs} as bigint), cast(${day.endMs} as bigint))`),
      sql`, `,
    );
    rows = await context.db.all<AggregateRow>(sql`
      with days(day, start_ms, end_ms) as (values ${values})
      select days.day as group_key, null as label, ${AGGREGATES}
      from days left join usage_events
        on usage_events.created_at >= days.start_ms and usage_events.created_at < days.end_ms and ${where}
      group by days.day order by days.day`);
  } else {
    const dimension = DIMENSIONS[input.groupBy];
    // Ties in the request count are ordered by the key byte by byte, as SQLite compares text; PostgreSQL would use
    // the database's locale (which sorts case and punctuation differently) without the "C" collation. The
    // expression is repeated because PostgreSQL's ORDER BY takes an output name (group_key) only on its own.
    const keyOrder = context.db.$dialect === 'postgres' ? sql`${dimension.key} collate "C"` : sql`group_key`;
    rows = await context.db.all<AggregateRow>(sql`
      select ${dimension.key} as group_key, ${dimension.label} as label, ${AGGREGATES}
      from usage_events ${dimension.join ?? sql``}
      where ${where}
      group by group_key order by requests desc, ${keyOrder}`);
  }
  const groups: UsageGroup[] = rows.map((row) => ({
    key: row.group_key,
    label: row.label ?? (row.group_key === '' ? EMPTY_LABEL[input.groupBy] : row.group_key),
    ...toTotals(row),
  }));
  return {
    from: new Date(input.fromMs).toISOString(),
    to: new Date(input.toMs).toISOString(),
    groupBy: input.groupBy,
    totals: toTotals(totals),
    groups,
  };
}
