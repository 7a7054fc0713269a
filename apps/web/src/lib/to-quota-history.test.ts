import type { QuotaHistoryPoint } from '@pag/contracts';
import { describe, expect, it } from 'vitest';
import { toQuotaHistory } from './to-quota-history.ts';

const point = (observedAt: string, fiveHour: number | null, weekly: number | null): QuotaHistoryPoint => ({
  observedAt,
  source: 'usage-endpoint',
  fiveHourUsedPercent: fiveHour,
  weeklyUsedPercent: weekly,
});

describe('toQuotaHistory', () => {
  it('issue 19: one line per window, oldest first, placed by time and clamped to 0–100 %', () => {
    const lines = toQuotaHistory([
      point('2026-12-06T12:00:00.000Z', 120, 10),
      point('2026-12-06T10:00:00.000Z', 20, 5),
      point('2026-12-06T10:30:00.000Z', 30, null),
    ]);
    expect(lines.map((line) => line.label)).toEqual(['5-hour limit', 'Weekly limit']);
    expect(lines[0]?.points).toEqual([
      { at: '2026-12-06T10:00:00.000Z', x: 0, usedPercent: 20 },
      { at: '2026-12-06T10:30:00.000Z', x: 0.25, usedPercent: 30 },
      { at: '2026-12-06T12:00:00.000Z', x: 1, usedPercent: 100 },
    ]);
    expect(lines[1]?.points.map((entry) => entry.usedPercent)).toEqual([5, 10]);
  });

  it('issue 19: no line from fewer than two points', () => {
    expect(toQuotaHistory([])).toEqual([]);
    expect(toQuotaHistory([point('2026-12-06T12:00:00.000Z', 50, null)])).toEqual([]);
  });
});
