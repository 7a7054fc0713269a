import { describe, expect, it } from 'vitest';
import { resolveUsagePeriod, startOfMonth, toLocalDateInput } from './usage-period.ts';

describe('usage period', () => {
  const now = new Date(2026, 11, 6, 15, 30);

  it('issue 19: the last 7 and 30 days end now', () => {
    expect(resolveUsagePeriod('7d', now)).toEqual({
      from: new Date(now.getTime() - 7 * 86_400_000).toISOString(),
      to: now.toISOString(),
    });
    expect(resolveUsagePeriod('30d', now).from).toBe(new Date(now.getTime() - 30 * 86_400_000).toISOString());
  });

  it('issue 19: this month starts on the 1st at local midnight', () => {
    expect(resolveUsagePeriod('month', now).from).toBe(new Date(2026, 11, 1).toISOString());
    expect(startOfMonth(now).getDate()).toBe(1);
  });

  it('issue 19: a custom range includes its last day; a reversed or empty one falls back to 30 days', () => {
    expect(resolveUsagePeriod('custom', now, { fromDate: '2026-11-01', toDate: '2026-11-03' })).toEqual({
      from: new Date(2026, 10, 1).toISOString(),
      to: new Date(2026, 10, 4).toISOString(),
    });
    const fallback = resolveUsagePeriod('30d', now);
    expect(resolveUsagePeriod('custom', now, { fromDate: '2026-11-03', toDate: '2026-11-01' })).toEqual(fallback);
    expect(resolveUsagePeriod('custom', now, { fromDate: '', toDate: '' })).toEqual(fallback);
  });

  it('issue 19: formats a date input value in local time', () => {
    expect(toLocalDateInput(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
