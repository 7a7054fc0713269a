import { formatCount, formatUsd, totalTokens, type UsageBar } from '../lib/shape-usage.ts';

/**
 * A breakdown (by provider, model, key, app or feature) as a table whose first column carries a bar: the numbers
 * are the accessible form, the bar only helps the eye compare. On a phone each row becomes a block.
 */
export function UsageBreakdownTable({ bars, dimension }: { bars: UsageBar[]; dimension: string }) {
  return (
    <table className="table usage-table">
      <caption className="visually-hidden">{`Usage by ${dimension.toLowerCase()}`}</caption>
      <thead>
        <tr>
          <th scope="col">{dimension}</th>
          <th scope="col">Requests</th>
          <th scope="col">Tokens</th>
          <th scope="col">Errors</th>
          <th scope="col">API price</th>
        </tr>
      </thead>
      <tbody>
        {bars.map((bar) => (
          <tr key={bar.key}>
            <th scope="row" className="usage-table-name">
              <span className="usage-table-label" title={bar.key}>
                {bar.label}
              </span>
              <span className="usage-share" aria-hidden="true">
                <span className="usage-share-fill" style={{ width: `${Math.round(bar.share * 100)}%` }} />
              </span>
            </th>
            <td data-label="Requests">{formatCount(bar.totals.requests)}</td>
            <td data-label="Tokens">{formatCount(totalTokens(bar.totals))}</td>
            <td data-label="Errors">{formatCount(bar.totals.errors)}</td>
            <td data-label="API price">{formatUsd(bar.totals.apiPriceUsd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
