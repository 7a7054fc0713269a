import type { UsageSummary } from '@pag/contracts';
import type { DomainContext } from '../domain/domain-context.ts';
import { GatewayError } from '../domain/gateway-error.ts';
import { summarizeUsage } from '../domain/usage/summarize-usage.ts';
import { MAX_RANGE_MS } from '../domain/usage/usage-scope.ts';

const UNIT_MS = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** `--since 7d` (hours, days or weeks back) or an ISO date-time; the default is 30 days. */
export function parseSince(value: string | undefined, now: number): number {
  if (value == null) return now - 30 * UNIT_MS.d;
  const relative = /^(\d{1,4})([hdw])$/.exec(value);
  const fromMs =
    relative == null ? Date.parse(value) : now - Number(relative[1]) * UNIT_MS[relative[2] as 'h' | 'd' | 'w'];
  if (Number.isNaN(fromMs) || fromMs >= now || now - fromMs > MAX_RANGE_MS) {
    throw new GatewayError(
      'invalid_request',
      `--since must be like 24h, 7d or 4w (at most 400 days back) or an ISO date in the past, not "${value}"`,
    );
  }
  return fromMs;
}

const usd = (value: number) => `$${value.toFixed(4)}`;

/** The summary as aligned text: one line per model, then the totals. */
export function formatUsageTable(summary: UsageSummary): string[] {
  const header = [
    'MODEL',
    'REQUESTS',
    'ERRORS',
    'INPUT',
    'CACHED',
    'OUTPUT',
    'REASONING',
    'API PRICE',
    'SAVED',
    'SPENT',
  ];
  const line = (label: string, totals: UsageSummary['totals']) => [
    label,
    String(totals.requests),
    String(totals.errors),
    String(totals.inputTokens),
    String(totals.cachedInputTokens),
    String(totals.outputTokens),
    String(totals.reasoningTokens),
    usd(totals.apiPriceUsd),
    usd(totals.savedUsd),
    usd(totals.spentUsd),
  ];
  const rows = [header, ...summary.groups.map((group) => line(group.label, group)), line('TOTAL', summary.totals)];
  const widths = header.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[0] ?? 0) : cell.padStart(widths[column] ?? 0)))
      .join('  ');
  return [`Usage from ${summary.from} to ${summary.to}`, ...rows.map(format)];
}

/** `gateway usage --user E [--json] [--since 7d]`: a user's usage by model, from the same query as the API. */
export async function usageCommand(
  context: DomainContext,
  input: { userId: string; since: string | undefined; isJson: boolean; print: (line: string) => void },
): Promise<number> {
  const toMs = context.now();
  const summary = await summarizeUsage(context, {
    caller: { kind: 'user', userId: input.userId },
    fromMs: parseSince(input.since, toMs),
    toMs,
    groupBy: 'model',
    timeZone: 'UTC',
  });
  if (input.isJson) input.print(JSON.stringify(summary, null, 2));
  else for (const line of formatUsageTable(summary)) input.print(line);
  return 0;
}
