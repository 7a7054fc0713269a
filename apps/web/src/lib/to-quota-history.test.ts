import { describe, expect, it } from 'vitest';
import { toQuotaHistory } from './to-quota-history.ts';

const window = (name: string, usedPercent: number | null) => ({
  name,
  usedPercent,
  windowMinutes: 300,
  resetsAt: null,
});

describe('toQuotaHistory', () => {
  it('issue 19: one line per window, oldest first, placed by time and clamped to 0–100 %', () => {
    const lines = toQuotaHistory([
      { observedAt: '2026-12-06T12:00:00.000Z', windows: [window('primary', 120), window('secondary', 10)] },
      { observedAt: '2026-12-06T10:00:00.000Z', windows: [window('primary', 20), window('secondary', 5)] },
      { observedAt: '2026-12-06T10:30:00.000Z', windows: [window('primary', 30), window('secondary', null)] },
    ]);
    expect(lines.map((line) => line.label)).toEqual(['5-hour limit', 'Weekly limit']);
    expect(lines[0]?.points).toEqual([
      { at: '2026-12-06T10:00:00.000Z', x: 0, usedPercent: 20 },
      { at: '2026-12-06T10:30:00.000Z', x: 0.25, usedPercent: 30 },
      { at: '2026-12-06T12:00:00.000Z', x: 1, usedPercent: 100 },
    ]);
    expect(lines[1]?.points.map((point) => point.usedPercent)).toEqual([5, 10]);
  });

  it('issue 19: no line from fewer than two points', () => {
    expect(toQuotaHistory([])).toEqual([]);
    expect(toQuotaHistory([{ observedAt: '2026-12-06T12:00:00.000Z', windows: [window('primary', 50)] }])).toEqual([]);
  });
});
