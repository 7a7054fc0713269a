import type { UsageGroup, UsageTotals } from '@pag/contracts';

export type UsageMetric = 'tokens' | 'requests';

/** One bar of a chart: its label, its value and its length as a share (0–1) of the longest bar. */
export type UsageBar = { key: string; label: string; value: number; share: number; totals: UsageTotals };

const EMPTY_TOTALS: UsageTotals = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  apiPriceUsd: 0,
  savedUsd: 0,
  spentUsd: 0,
};

/**
 * Tokens counted once: the ledger's input total already includes cached input and its output total includes
 * reasoning (as the providers' usage reports count them), so this is input + output, the same sum as `totalTokens`
 * of the AI usage contract.
 */
export function totalTokens(totals: UsageTotals): number {
  return totals.inputTokens + totals.outputTokens;
}

export function metricValue(totals: UsageTotals, metric: UsageMetric): number {
  return metric === 'tokens' ? totalTokens(totals) : totals.requests;
}

/**
 * The `groupBy=day` groups as one bar per day of the period, days without requests included as zero (the server
 * only answers days that have rows; a chart with gaps closed up would misstate the time axis). `days` lists the
 * period's days (`YYYY-MM-DD`, the same time zone the server grouped in).
 */
export function toDailyBars(groups: UsageGroup[], days: string[], metric: UsageMetric): UsageBar[] {
  const byDay = new Map(groups.map((group) => [group.key, group]));
  const rows = days.map((day) => {
    const group = byDay.get(day);
    const totals = group == null ? EMPTY_TOTALS : pickTotals(group);
    return { key: day, label: formatDayLabel(day), value: metricValue(totals, metric), totals };
  });
  return withShares(rows);
}

/** A breakdown (provider, model, key, app, feature) as bars, largest first. */
export function toBreakdownBars(groups: UsageGroup[], metric: UsageMetric): UsageBar[] {
  const rows = groups.map((group) => {
    const totals = pickTotals(group);
    return { key: group.key, label: group.label, value: metricValue(totals, metric), totals };
  });
  rows.sort((a, b) => b.value - a.value || a.label.localeCompare(b.label));
  return withShares(rows);
}

/**
 * The days (`YYYY-MM-DD`) from `from` to `to` (exclusive) in an IANA time zone, at most `maxDays` of them (a custom
 * range of years would otherwise draw thousands of bars).
 */
export function listPeriodDays(from: string, to: string, timeZone: string, maxDays = 400): string[] {
  const format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const start = Date.parse(from);
  const end = Date.parse(to);
  if (Number.isNaN(start) || Number.isNaN(end) || end <= start) return [];
  const days: string[] = [];
  // Stepping by hours, not days: a day is 23 or 25 hours long when the clocks change.
  for (let time = start; time < end && days.length < maxDays; time += 3_600_000) {
    const day = format.format(new Date(time));
    if (days[days.length - 1] !== day) days.push(day);
  }
  const lastDay = format.format(new Date(end - 1));
  if (days.length < maxDays && days[days.length - 1] !== lastDay) days.push(lastDay);
  return days;
}

function withShares(rows: Array<Omit<UsageBar, 'share'>>): UsageBar[] {
  const largest = Math.max(0, ...rows.map((row) => row.value));
  return rows.map((row) => ({ ...row, share: largest === 0 ? 0 : row.value / largest }));
}

function pickTotals(group: UsageGroup): UsageTotals {
  const { key: _key, label: _label, ...totals } = group;
  return totals;
}

const dayLabelFormat = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' });

/** `2026-12-06` → "Dec 6" (the day as a calendar date; the time zone was applied when grouping). */
export function formatDayLabel(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : dayLabelFormat.format(date);
}

const usdFormat = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const smallUsdFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 2,
});

/** US dollars, with cents; amounts under a cent keep two significant digits so they do not read as "$0.00". */
export function formatUsd(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.01) return smallUsdFormat.format(value);
  return usdFormat.format(value);
}

const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const wholeFormat = new Intl.NumberFormat('en-US');

/** Counts short enough for a tile or an axis: 1,234 → "1.2K", 3,400,000 → "3.4M"; below 10,000 written out. */
export function formatCount(value: number): string {
  return Math.abs(value) < 10_000 ? wholeFormat.format(value) : compactFormat.format(value);
}
