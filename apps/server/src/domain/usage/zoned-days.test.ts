import { describe, expect, it } from 'vitest';
import { dayInZone, zonedDays } from './zoned-days.ts';

describe('zoned days', () => {
  it('issue 19: a DST day is 23 or 25 hours long, and the range clips the first and last day', () => {
    const from = Date.parse('2026-03-28T12:00:00Z');
    const days = zonedDays('Europe/Berlin', from, Date.parse('2026-03-30T12:00:00Z'));
    expect(days.map((day) => day.day)).toEqual(['2026-03-28', '2026-03-29', '2026-03-30']);
    expect(days[0]?.startMs).toBe(from);
    // Summer time starts on 2026-03-29 in Berlin: that day runs 23:00 UTC to 22:00 UTC, 23 hours.
    expect(days[1]).toMatchObject({
      startMs: Date.parse('2026-03-28T23:00:00Z'),
      endMs: Date.parse('2026-03-29T22:00:00Z'),
    });
    const autumn = zonedDays(
      'America/New_York',
      Date.parse('2026-11-01T04:00:00Z'),
      Date.parse('2026-11-02T05:00:00Z'),
    );
    expect(autumn).toEqual([
      { day: '2026-11-01', startMs: Date.parse('2026-11-01T04:00:00Z'), endMs: Date.parse('2026-11-02T05:00:00Z') },
    ]);
  });

  it("issue 19: names an instant by the zone's calendar day", () => {
    expect(dayInZone('Asia/Tokyo', Date.parse('2026-12-31T15:00:00Z'))).toBe('2027-01-01');
    expect(dayInZone('UTC', Date.parse('2026-12-31T15:00:00Z'))).toBe('2026-12-31');
  });
});
