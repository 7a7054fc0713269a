import { describe, expect, it } from 'vitest';
import { toQuotaMeter } from './to-quota-meter.ts';

const NOW = Date.parse('2026-12-04T10:00:00Z');

describe('toQuotaMeter', () => {
  it('should name the 5-hour and weekly windows and count down to their reset', () => {
    expect(toQuotaMeter({ usedPercent: 12, windowMinutes: 300, resetsAt: '2026-12-04T12:30:00Z' }, NOW)).toEqual({
      label: '5-hour limit',
      usedPercent: 12,
      level: 'ok',
      resetsInMs: 2.5 * 3_600_000,
    });
    expect(toQuotaMeter({ usedPercent: 70, windowMinutes: 10_080, resetsAt: null }, NOW)).toMatchObject({
      label: 'Weekly limit',
      level: 'warning',
      resetsInMs: null,
    });
  });

  it('should clamp odd percentages and mark a full window as exhausted', () => {
    expect(toQuotaMeter({ usedPercent: 140, windowMinutes: 60, resetsAt: null }, NOW)).toMatchObject({
      label: '1-hour limit',
      usedPercent: 100,
      level: 'exhausted',
    });
    expect(toQuotaMeter({ usedPercent: -3, windowMinutes: 2880, resetsAt: null }, NOW)).toMatchObject({
      label: '2-day limit',
      usedPercent: 0,
    });
  });

  it('should say unknown when the backend gave no numbers, and never count below zero', () => {
    expect(toQuotaMeter({ usedPercent: null, windowMinutes: null, resetsAt: '2026-12-04T09:00:00Z' }, NOW)).toEqual({
      label: 'Usage window',
      usedPercent: null,
      level: 'unknown',
      resetsInMs: 0,
    });
  });
});
