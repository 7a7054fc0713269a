import type { UsageGroup } from '@pag/contracts';
import { describe, expect, it } from 'vitest';
import { formatCount, formatUsd, listPeriodDays, toBreakdownBars, toDailyBars, totalTokens } from './shape-usage.ts';

const group = (key: string, overrides: Partial<UsageGroup> = {}): UsageGroup => ({
  key,
  label: key,
  requests: 0,
  errors: 0,
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
  apiPriceUsd: 0,
  savedUsd: 0,
  spentUsd: 0,
  ...overrides,
});

describe('shape usage', () => {
  it('issue 19: counts tokens once (cached input and reasoning are already inside input and output)', () => {
    expect(
      totalTokens(group('x', { inputTokens: 100, cachedInputTokens: 40, outputTokens: 30, reasoningTokens: 10 })),
    ).toBe(130);
  });

  it('issue 19: the daily chart has a bar for every day of the period, empty days at zero', () => {
    const bars = toDailyBars(
      [group('2026-12-02', { requests: 2, inputTokens: 10, outputTokens: 5 }), group('2026-12-04', { requests: 4 })],
      ['2026-12-02', '2026-12-03', '2026-12-04'],
      'requests',
    );
    expect(bars.map((bar) => [bar.key, bar.value, bar.share])).toEqual([
      ['2026-12-02', 2, 0.5],
      ['2026-12-03', 0, 0],
      ['2026-12-04', 4, 1],
    ]);
    expect(
      toDailyBars([group('2026-12-02', { inputTokens: 10, outputTokens: 5 })], ['2026-12-02'], 'tokens')[0]?.value,
    ).toBe(15);
  });

  it('issue 19: a period with no requests draws zero-length bars, never NaN', () => {
    const bars = toDailyBars([], ['2026-12-01', '2026-12-02'], 'tokens');
    expect(bars.every((bar) => bar.value === 0 && bar.share === 0)).toBe(true);
  });

  it('issue 19: breakdowns are sorted largest first, ties by label', () => {
    const bars = toBreakdownBars(
      [
        group('openai/gpt-4.1', { label: 'gpt-4.1', requests: 1 }),
        group('chatgpt/gpt-5.5', { label: 'gpt-5.5', requests: 3 }),
        group('gemini/flash', { label: 'flash', requests: 1 }),
      ],
      'requests',
    );
    expect(bars.map((bar) => bar.label)).toEqual(['gpt-5.5', 'flash', 'gpt-4.1']);
    expect(bars[0]?.share).toBe(1);
    expect(bars[0]?.totals).not.toHaveProperty('key');
  });

  it('issue 19: lists the days of a period in the given time zone, across a clock change', () => {
    // 2026-03-08 is 23 hours long in New York (clocks go forward).
    expect(listPeriodDays('2026-03-07T05:00:00.000Z', '2026-03-10T04:00:00.000Z', 'America/New_York')).toEqual([
      '2026-03-07',
      '2026-03-08',
      '2026-03-09',
    ]);
    expect(listPeriodDays('2026-12-01T23:30:00.000Z', '2026-12-02T00:30:00.000Z', 'UTC')).toEqual([
      '2026-12-01',
      '2026-12-02',
    ]);
    expect(listPeriodDays('2026-12-02T00:00:00.000Z', '2026-12-01T00:00:00.000Z', 'UTC')).toEqual([]);
    expect(listPeriodDays('2020-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'UTC', 10)).toHaveLength(10);
  });

  it('issue 19: money under a cent keeps its digits; large counts are compact', () => {
    expect(formatUsd(0)).toBe('$0.00');
    expect(formatUsd(12.345)).toBe('$12.35');
    expect(formatUsd(0.0042)).toBe('$0.0042');
    expect(formatCount(9_999)).toBe('9,999');
    expect(formatCount(1_234_567)).toBe('1.2M');
  });
});
