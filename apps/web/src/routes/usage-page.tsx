import type { UsageGroupBy } from '@pag/contracts';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { Link } from 'wouter';
import { queryKeys } from '../api/query-keys.ts';
import { getUsageSummary } from '../api/usage.ts';
import { getUsageQuota } from '../api/usage-quota.ts';
import { ErrorBanner } from '../components/error-banner.tsx';
import { LoadingState } from '../components/loading-state.tsx';
import { SelectField, type SelectOption } from '../components/select-field.tsx';
import { UsageBreakdownTable } from '../components/usage-breakdown-table.tsx';
import { UsageDayChart } from '../components/usage-day-chart.tsx';
import { UsageQuotaHistory } from '../components/usage-quota-history.tsx';
import { type FilterOption, UsageRequestLog } from '../components/usage-request-log.tsx';
import { UsageTotals } from '../components/usage-totals.tsx';
import { useNow } from '../hooks/use-now.ts';
import { listPeriodDays, toBreakdownBars, toDailyBars, type UsageMetric } from '../lib/shape-usage.ts';
import {
  type CustomRange,
  resolveUsagePeriod,
  startOfMonth,
  toLocalDateInput,
  type UsagePeriodChoice,
} from '../lib/usage-period.ts';

const PERIOD_CHOICES: Array<{ value: UsagePeriodChoice; label: string }> = [
  { value: '7d', label: '7 days' },
  { value: '30d', label: '30 days' },
  { value: 'month', label: 'This month' },
  { value: 'custom', label: 'Custom' },
];

type Dimension = Extract<UsageGroupBy, 'provider' | 'model' | 'key' | 'app' | 'feature'>;
const METRIC_OPTIONS: SelectOption<UsageMetric>[] = [
  { value: 'tokens', label: 'Tokens' },
  { value: 'requests', label: 'Requests' },
];

const DIMENSIONS: SelectOption<Dimension>[] = [
  { value: 'provider', label: 'Provider' },
  { value: 'model', label: 'Model' },
  { value: 'key', label: 'API key' },
  { value: 'app', label: 'App' },
  { value: 'feature', label: 'Feature' },
];

/** Days are grouped in the reader's time zone, so "today" on the chart is their today. */
const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

/**
 * What the gateway did for the user (issue 19): totals and charts for a period, breakdowns, the subscription's
 * limits with their history, and the request log. Everything comes from the usage ledger through `/api/usage*`.
 */
export function UsagePage() {
  // The period's end is fixed when the period is chosen, so the queries keep one key (and their cache) until then.
  const [anchor, setAnchor] = useState(() => new Date());
  const [choice, setChoice] = useState<UsagePeriodChoice>('30d');
  const [custom, setCustom] = useState<CustomRange>(() => ({
    fromDate: toLocalDateInput(startOfMonth(anchor)),
    toDate: toLocalDateInput(anchor),
  }));
  const [metric, setMetric] = useState<UsageMetric>('tokens');
  const [dimension, setDimension] = useState<Dimension>('provider');
  const period = resolveUsagePeriod(choice, anchor, custom);
  const ids = { from: useId(), to: useId() };

  const summaryQuery = (groupBy: UsageGroupBy, range = period) => {
    const query = { ...range, groupBy, tz: TIME_ZONE };
    return {
      queryKey: queryKeys.usageSummary(query),
      queryFn: ({ signal }: { signal: AbortSignal }) => getUsageSummary(query, signal),
      placeholderData: keepPreviousData,
    };
  };
  const daily = useQuery(summaryQuery('day'));
  const breakdown = useQuery(summaryQuery(dimension));
  const month = useQuery(
    summaryQuery('provider', { from: startOfMonth(anchor).toISOString(), to: anchor.toISOString() }),
  );
  const keys = useQuery(summaryQuery('key'));
  const apps = useQuery(summaryQuery('app'));
  const models = useQuery(summaryQuery('model'));

  const choosePeriod = (next: UsagePeriodChoice) => {
    setAnchor(new Date());
    setChoice(next);
  };
  const totals = daily.data?.totals;
  const hasData = totals != null && totals.requests > 0;
  const callers: FilterOption[] = [
    ...toOptions(keys.data?.groups, 'key', 'Key'),
    ...toOptions(apps.data?.groups, 'app', 'App'),
  ];

  return (
    <div className="page">
      <header className="page-header">
        <h1 className="page-title">Usage</h1>
        <p className="page-description">
          What your gateway answered: requests, tokens and errors, what they would have cost at API prices, and what
          your subscription saved. Only metadata is kept, never what was asked or answered.
        </p>
      </header>

      <fieldset className="usage-period">
        <legend className="field-label">Period</legend>
        <div className="segmented">
          {PERIOD_CHOICES.map((option) => (
            <label key={option.value} className="segmented-option">
              <input
                type="radio"
                name="usage-period"
                value={option.value}
                checked={choice === option.value}
                onChange={() => choosePeriod(option.value)}
              />
              <span>{option.label}</span>
            </label>
          ))}
        </div>
        {choice === 'custom' ? (
          <div className="usage-custom-range">
            <div className="field">
              <label className="field-label" htmlFor={ids.from}>
                From
              </label>
              <input
                id={ids.from}
                className="input"
                type="date"
                value={custom.fromDate}
                max={custom.toDate}
                onChange={(event) => setCustom((current) => ({ ...current, fromDate: event.target.value }))}
              />
            </div>
            <div className="field">
              <label className="field-label" htmlFor={ids.to}>
                To
              </label>
              <input
                id={ids.to}
                className="input"
                type="date"
                value={custom.toDate}
                min={custom.fromDate}
                onChange={(event) => setCustom((current) => ({ ...current, toDate: event.target.value }))}
              />
            </div>
          </div>
        ) : null}
      </fieldset>

      {daily.isPending ? <LoadingState label="Loading usage…" /> : null}
      {daily.isError ? (
        <ErrorBanner
          title="Could not load your usage"
          action={
            <button type="button" className="button button-secondary button-small" onClick={() => daily.refetch()}>
              Try again
            </button>
          }
          error={daily.error}
        />
      ) : null}

      {totals != null && !hasData ? <NoUsage /> : null}

      {totals != null && hasData ? (
        <>
          <section className="card" aria-labelledby="usage-totals-title">
            <h2 id="usage-totals-title" className="card-title">
              Totals
            </h2>
            <UsageTotals totals={totals} savedThisMonthUsd={month.data?.totals.savedUsd ?? null} />
          </section>

          <section className="card" aria-labelledby="usage-daily-title">
            <div className="usage-card-header usage-card-header-spaced">
              <h2 id="usage-daily-title" className="card-title">
                By day
              </h2>
              <SelectField<UsageMetric>
                label="Show"
                className="usage-inline-field"
                isCompact
                value={metric}
                options={METRIC_OPTIONS}
                onChange={setMetric}
              />
            </div>
            <UsageDayChart
              bars={toDailyBars(daily.data?.groups ?? [], listPeriodDays(period.from, period.to, TIME_ZONE), metric)}
              metric={metric}
            />
          </section>

          <section className="card card-flush" aria-labelledby="usage-breakdown-title">
            <div className="card-header usage-card-header">
              <h2 id="usage-breakdown-title" className="card-title">
                Breakdown
              </h2>
              <SelectField<Dimension>
                label="By"
                className="usage-inline-field"
                isCompact
                value={dimension}
                options={DIMENSIONS}
                onChange={setDimension}
              />
            </div>
            {breakdown.isError ? (
              <div className="card-padding">
                <ErrorBanner title="Could not load the breakdown" error={breakdown.error} />
              </div>
            ) : null}
            {breakdown.data == null ? null : breakdown.data.groups.length === 0 ? (
              <p className="card-padding muted">Nothing to break down by this in the period.</p>
            ) : (
              <UsageBreakdownTable
                bars={toBreakdownBars(breakdown.data.groups, metric)}
                dimension={DIMENSIONS.find((option) => option.value === dimension)?.label ?? dimension}
              />
            )}
          </section>
        </>
      ) : null}

      <QuotaSection />

      {totals != null && hasData ? (
        <section className="card card-flush" aria-labelledby="usage-log-title">
          <div className="card-header">
            <h2 id="usage-log-title" className="card-title">
              Request log
            </h2>
          </div>
          <UsageRequestLog period={period} callers={callers} models={toOptions(models.data?.groups, null, null)} />
        </section>
      ) : null}
    </div>
  );
}

/** The empty state: how to get data (issue 19). */
function NoUsage() {
  return (
    <section className="card empty-state empty-state-large" aria-labelledby="usage-empty-title">
      <svg className="empty-state-icon" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M4 20V10M10 20V4M16 20v-7M22 20H2" />
      </svg>
      <h2 id="usage-empty-title" className="empty-state-title">
        No requests in this period
      </h2>
      <p className="muted">
        Make a request with a key, or try the Playground: every answer (and every failure) shows up here with its tokens
        and what it would have cost at API prices.
      </p>
      <div className="button-row">
        <Link href="/api-keys" className="button button-secondary">
          Create an API key
        </Link>
        <Link href="/playground" className="button button-primary">
          Open the Playground
        </Link>
      </div>
    </section>
  );
}

/** The subscription's windows now and their history (`GET /api/usage/quota`). */
function QuotaSection() {
  const now = useNow(30_000);
  const quota = useQuery({ queryKey: queryKeys.usageQuota, queryFn: ({ signal }) => getUsageQuota(signal) });
  return (
    <section className="card" aria-labelledby="usage-quota-title">
      <h2 id="usage-quota-title" className="card-title">
        Subscription limits
      </h2>
      {quota.isPending ? <LoadingState label="Loading limits…" /> : null}
      {quota.isError ? <ErrorBanner title="Could not load the limits" error={quota.error} /> : null}
      {quota.data == null ? null : quota.data.windows.length === 0 ? (
        <p className="muted">
          No limits reported yet. They show once your ChatGPT subscription is connected under{' '}
          <Link href="/connections">Connections</Link>.
        </p>
      ) : (
        <UsageQuotaHistory quota={quota.data} now={now} />
      )}
    </section>
  );
}

/**
 * Filter choices from a breakdown's groups: `kind:key` values for the one key-or-app select, the plain key for
 * models. Groups without a key (requests made in the settings themselves) are no choice.
 */
function toOptions(
  groups: Array<{ key: string; label: string }> | undefined,
  kind: 'key' | 'app' | null,
  prefix: string | null,
): FilterOption[] {
  return (groups ?? [])
    .filter((group) => group.key !== '')
    .map((group) => ({
      value: kind == null ? group.key : `${kind}:${group.key}`,
      label: prefix == null ? group.label : `${prefix}: ${group.label}`,
    }));
}
