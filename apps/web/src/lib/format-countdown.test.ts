import { describe, expect, it } from 'vitest';
import { formatCountdown } from './format-countdown.ts';

describe('formatCountdown', () => {
  it.each([
    [0, 'now'],
    [-5000, 'now'],
    [Number.NaN, 'now'],
    [1, '0:01'],
    [59_000, '0:59'],
    [299_500, '5:00'],
    [3_599_000, '59:59'],
    [3_600_000, '1 h 00 min'],
    [2 * 3_600_000 + 5 * 60_000, '2 h 05 min'],
    [86_400_000, '1 d 0 h'],
    [3 * 86_400_000 + 4 * 3_600_000 + 59_000, '3 d 4 h'],
  ])('should show %d ms as %j', (milliseconds, text) => {
    expect(formatCountdown(milliseconds)).toBe(text);
  });
});
