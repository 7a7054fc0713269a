/**
 * Calendar days in an IANA time zone as UTC millisecond ranges, so the database can group the ledger by the user's
 * days with the same SQL on SQLite (which knows no time zones) and PostgreSQL: each day runs from its local midnight
 * to the next, 23 or 25 hours on a DST change.
 */
export type ZonedDay = { day: string; startMs: number; endMs: number };

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter == null) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock fields of an instant in the zone. */
function wallClock(timeZone: string, ms: number) {
  const parts = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(ms)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** How far the zone's wall clock is ahead of UTC at that instant. */
function offsetAt(timeZone: string, ms: number): number {
  const wall = wallClock(timeZone, ms);
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant of local midnight starting the given calendar day in the zone. */
function midnight(timeZone: string, year: number, month: number, day: number): number {
  const guess = Date.UTC(year, month - 1, day);
  const first = guess - offsetAt(timeZone, guess);
  // Once more at the corrected instant: the offset may differ there (a DST change between the two).
  return guess - offsetAt(timeZone, first);
}

/** The zone's calendar day (`YYYY-MM-DD`) of an instant. */
export function dayInZone(timeZone: string, ms: number): string {
  const wall = wallClock(timeZone, ms);
  return `${wall.year}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`;
}

/** Every local day overlapping [fromMs, toMs), each clipped to the range. */
export function zonedDays(timeZone: string, fromMs: number, toMs: number): ZonedDay[] {
  const days: ZonedDay[] = [];
  const start = wallClock(timeZone, fromMs);
  let cursor = { year: start.year, month: start.month, day: start.day };
  let startMs = midnight(timeZone, cursor.year, cursor.month, cursor.day);
  // Bounded by the range: the caller limits it to a year or so of days.
  while (startMs < toMs) {
    const next = new Date(Date.UTC(cursor.year, cursor.month - 1, cursor.day + 1));
    const following = { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
    const endMs = midnight(timeZone, following.year, following.month, following.day);
    const day = `${cursor.year}-${String(cursor.month).padStart(2, '0')}-${String(cursor.day).padStart(2, '0')}`;
    days.push({ day, startMs: Math.max(startMs, fromMs), endMs: Math.min(endMs, toMs) });
    cursor = following;
    startMs = endMs;
  }
  return days;
}
