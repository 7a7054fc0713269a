import { describe, expect, it } from 'vitest';
import { describeWhen, formatWait } from './format-wait.ts';

describe('formatWait', () => {
  it.each([
    [0, '0 s'],
    [-1000, '0 s'],
    [Number.NaN, '0 s'],
    [4_200, '5 s'],
    [12 * 60_000, '12 min'],
    [3_600_000, '1 h'],
    [2 * 3_600_000 + 30 * 60_000, '2 h 30 min'],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, '3 d 4 h'],
    [2 * 86_400_000, '2 d'],
  ])('issue 17: %d ms reads %j', (milliseconds, text) => {
    expect(formatWait(milliseconds)).toBe(text);
  });
});

describe('describeWhen', () => {
  const now = new Date(2026, 11, 6, 10, 0).getTime();

  it('issue 17: a reset later today is a local clock time and a wait, never an ISO timestamp', () => {
    const text = describeWhen(new Date(2026, 11, 6, 12, 30).toISOString(), now);
    expect(text).toMatch(/^at .*12.*30.* \(in 2 h 30 min\)$/);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT/);
  });

  it('issue 17: a reset within the week names the day', () => {
    expect(describeWhen(new Date(2026, 11, 9, 14, 0).toISOString(), now)).toMatch(/^on \S+.* \(in 3 d 4 h\)$/);
  });

  it('should give up on an unreadable time', () => {
    expect(describeWhen('soon', now)).toBeNull();
  });
});
