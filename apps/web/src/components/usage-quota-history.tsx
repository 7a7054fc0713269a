import type { QuotaAnswer } from '@pag/contracts';
import { useId } from 'react';
import { formatDate } from '../lib/format-date.ts';
import { toQuotaHistory } from '../lib/to-quota-history.ts';
import { toQuotaMeter } from '../lib/to-quota-meter.ts';
import { ChartTable } from './chart-table.tsx';
import { QuotaMeter } from './quota-meter.tsx';

const CHART_WIDTH = 600;
const CHART_HEIGHT = 100;

/**
 * The subscription's windows now (the same meters as Connections) and, per window, how full it was over time as an
 * SVG line (0–100 %), with a table of the same points.
 */
export function UsageQuotaHistory({ quota, now }: { quota: QuotaAnswer; now: number }) {
  const series = toQuotaHistory(quota.history);
  return (
    <div className="usage-quota">
      <div className="quota-meters">
        {quota.windows.map((window) => (
          <QuotaMeter key={window.window} meter={toQuotaMeter(window, now)} resetsAt={window.resetsAt} now={now} />
        ))}
      </div>
      {quota.fetchedAt == null ? null : (
        <p className="field-hint">
          As of {formatDate(quota.fetchedAt)}
          {quota.source === 'headers' ? ', from the last answer' : ''}.
        </p>
      )}
      {series.map((line) => (
        <QuotaLine key={line.name} label={line.label} points={line.points} from={line.from} to={line.to} />
      ))}
    </div>
  );
}

function QuotaLine({
  label,
  points,
  from,
  to,
}: {
  label: string;
  points: Array<{ at: string; x: number; usedPercent: number }>;
  from: string;
  to: string;
}) {
  const titleId = useId();
  const path = points
    .map((point, index) => {
      const x = point.x * CHART_WIDTH;
      const y = CHART_HEIGHT - (point.usedPercent / 100) * CHART_HEIGHT;
      return `${index === 0 ? 'M' : 'L'}${x.toFixed(1)},${y.toFixed(1)}`;
    })
    .join(' ');
  const latest = points[points.length - 1];
  return (
    <figure className="usage-chart usage-quota-line">
      <figcaption className="usage-quota-line-title">{label} over time</figcaption>
      <svg
        className="usage-chart-svg usage-chart-svg-short"
        viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={titleId}
      >
        <title id={titleId}>
          {`${label}, percent used from ${formatDate(from)} to ${formatDate(to)}; latest ${Math.round(latest?.usedPercent ?? 0)}%.`}
        </title>
        <line className="usage-chart-axis" x1={0} x2={CHART_WIDTH} y1={CHART_HEIGHT - 0.5} y2={CHART_HEIGHT - 0.5} />
        <path className="usage-chart-line" d={path} vectorEffect="non-scaling-stroke" />
      </svg>
      <div className="usage-chart-days muted" aria-hidden="true">
        <span>{formatDate(from)}</span>
        <span>{formatDate(to)}</span>
      </div>
      <ChartTable
        caption={`${label} over time`}
        columns={['When', 'Used']}
        rows={points.map((point) => ({
          key: point.at,
          heading: formatDate(point.at),
          cells: [`${Math.round(point.usedPercent)}%`],
        }))}
      />
    </figure>
  );
}
