import { useId } from 'react';
import { formatCount, type UsageBar, type UsageMetric } from '../lib/shape-usage.ts';
import { ChartTable } from './chart-table.tsx';

const CHART_WIDTH = 600;
const CHART_HEIGHT = 160;
const METRIC_NAMES: Record<UsageMetric, string> = { tokens: 'Tokens', requests: 'Requests' };

/**
 * Tokens or requests per day as plain SVG bars (no text inside the SVG, so it can stretch to any width; the scale
 * and the first and last day are HTML around it). Screen readers get the title and a summary, and everyone can open
 * the same numbers as a table.
 */
export function UsageDayChart({ bars, metric }: { bars: UsageBar[]; metric: UsageMetric }) {
  const titleId = useId();
  const descriptionId = useId();
  const largest = Math.max(0, ...bars.map((bar) => bar.value));
  const total = bars.reduce((sum, bar) => sum + bar.value, 0);
  const slot = bars.length === 0 ? CHART_WIDTH : CHART_WIDTH / bars.length;
  const gap = Math.min(4, slot * 0.2);
  const name = METRIC_NAMES[metric];
  return (
    <figure className="usage-chart">
      <div className="usage-chart-scale muted" aria-hidden="true">
        <span>{formatCount(largest)}</span>
        <span>0</span>
      </div>
      <svg
        className="usage-chart-svg"
        viewBox={`0 0 ${CHART_WIDTH} ${CHART_HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-labelledby={`${titleId} ${descriptionId}`}
      >
        <title id={titleId}>{`${name} per day`}</title>
        <desc id={descriptionId}>
          {`${formatCount(total)} in total over ${bars.length} days; the busiest day had ${formatCount(largest)}.`}
        </desc>
        <line className="usage-chart-axis" x1={0} x2={CHART_WIDTH} y1={CHART_HEIGHT - 0.5} y2={CHART_HEIGHT - 0.5} />
        {bars.map((bar, index) => {
          const height = bar.share * (CHART_HEIGHT - 4);
          return (
            <rect
              key={bar.key}
              className="usage-chart-bar"
              x={index * slot + gap / 2}
              y={CHART_HEIGHT - height}
              width={Math.max(1, slot - gap)}
              height={height}
            >
              <title>{`${bar.label}: ${formatCount(bar.value)}`}</title>
            </rect>
          );
        })}
      </svg>
      <figcaption className="usage-chart-days muted">
        <span>{bars[0]?.label}</span>
        <span>{bars.length > 1 ? bars[bars.length - 1]?.label : null}</span>
      </figcaption>
      <ChartTable
        caption={`${name} per day`}
        columns={['Day', 'Requests', 'Tokens', 'Errors']}
        rows={bars.map((bar) => ({
          key: bar.key,
          heading: bar.label,
          cells: [
            formatCount(bar.totals.requests),
            formatCount(bar.totals.inputTokens + bar.totals.outputTokens),
            formatCount(bar.totals.errors),
          ],
        }))}
      />
    </figure>
  );
}
