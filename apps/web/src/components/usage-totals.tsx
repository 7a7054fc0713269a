import type { UsageTotals as UsageTotalsModel } from '@pag/contracts';
import { formatCount, formatUsd, totalTokens } from '../lib/shape-usage.ts';

/**
 * The period's numbers as tiles: requests, tokens, errors, the API-price equivalent, and the money view — what the
 * subscription saved this calendar month (always this month, whatever the period) and what API keys cost.
 */
export function UsageTotals({
  totals,
  savedThisMonthUsd,
}: {
  totals: UsageTotalsModel;
  savedThisMonthUsd: number | null;
}) {
  const tiles: Array<{ label: string; value: string; hint?: string }> = [
    { label: 'Requests', value: formatCount(totals.requests) },
    {
      label: 'Tokens',
      value: formatCount(totalTokens(totals)),
      hint: `${formatCount(totals.inputTokens)} in · ${formatCount(totals.outputTokens)} out`,
    },
    {
      label: 'Errors',
      value: formatCount(totals.errors),
      hint: totals.requests === 0 ? undefined : `${Math.round((totals.errors / totals.requests) * 100)}% of requests`,
    },
    { label: 'API-price equivalent', value: formatUsd(totals.apiPriceUsd), hint: 'At the providers’ list prices' },
    {
      label: 'Saved this month',
      value: savedThisMonthUsd == null ? '…' : formatUsd(savedThisMonthUsd),
      hint: 'Answered by your subscription',
    },
    { label: 'Spent', value: formatUsd(totals.spentUsd), hint: 'Answered by your API keys' },
  ];
  return (
    <dl className="usage-totals">
      {tiles.map((tile) => (
        <div key={tile.label} className="usage-total">
          <dt className="usage-total-label">{tile.label}</dt>
          <dd className="usage-total-value">{tile.value}</dd>
          {tile.hint == null ? null : <dd className="usage-total-hint muted">{tile.hint}</dd>}
        </div>
      ))}
    </dl>
  );
}
