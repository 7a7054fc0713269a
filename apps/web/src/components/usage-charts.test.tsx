import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { toDailyBars } from '../lib/shape-usage.ts';
import { UsageDayChart } from './usage-day-chart.tsx';
import { UsageQuotaHistory } from './usage-quota-history.tsx';

// Rendered to markup in Node (no DOM library in this workspace): what assistive technology gets from the charts.
const totals = {
  requests: 3,
  errors: 0,
  inputTokens: 100,
  cachedInputTokens: 0,
  outputTokens: 20,
  reasoningTokens: 0,
  apiPriceUsd: 0,
  savedUsd: 0,
  spentUsd: 0,
};

describe('usage charts', () => {
  it('issue 19: the day chart is an image with a title and summary, and the same numbers as a table', () => {
    const bars = toDailyBars(
      [{ key: '2026-12-02', label: '2026-12-02', ...totals }],
      ['2026-12-01', '2026-12-02'],
      'tokens',
    );
    const html = renderToStaticMarkup(<UsageDayChart bars={bars} metric="tokens" />);
    expect(html).toContain('role="img"');
    expect(html).toMatch(/<title id="[^"]+">Tokens per day<\/title>/);
    expect(html).toContain('120 in total over 2 days; the busiest day had 120.');
    expect(html).toContain('<caption class="visually-hidden">Tokens per day</caption>');
    expect(html.match(/<tr>/g)).toHaveLength(3);
  });

  it('issue 19: the quota shows each window now and a line per window with two or more snapshots', () => {
    const window = (usedPercent: number) => ({
      window: '5h' as const,
      usedPercent,
      windowMinutes: 300,
      resetsAt: null,
    });
    const point = (observedAt: string, fiveHourUsedPercent: number) => ({
      observedAt,
      source: 'usage-endpoint' as const,
      fiveHourUsedPercent,
      weeklyUsedPercent: null,
    });
    const html = renderToStaticMarkup(
      <UsageQuotaHistory
        quota={{
          windows: [window(42)],
          fetchedAt: '2026-12-06T12:00:00.000Z',
          source: 'usage-endpoint',
          planType: 'plus',
          history: [point('2026-12-06T10:00:00.000Z', 10), point('2026-12-06T12:00:00.000Z', 42)],
        }}
        now={Date.parse('2026-12-06T12:00:00.000Z')}
      />,
    );
    expect(html).toContain('42% used');
    expect(html).toContain('5-hour limit over time');
    expect(html).toContain('latest 42%');
    expect(html).toMatch(/<path class="usage-chart-line" d="M0\.0,90\.0 L600\.0,58\.0"/);
  });
});
