/**
 * A wait in words, to the unit a person plans with: `45 s`, `12 min`, `2 h 30 min`, `3 d 4 h` (issue 17: "in
 * 2 h 30 min", never a raw timestamp).
 */
export function formatWait(milliseconds: number): string {
  const total = Number.isFinite(milliseconds) ? Math.max(0, Math.ceil(milliseconds / 1000)) : 0;
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return minutes > 0 ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes > 0) return `${minutes} min`;
  return `${total} s`;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayAndTimeFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', hour: 'numeric', minute: '2-digit' });
const dateAndTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/**
 * When something happens, in the reader's own time zone and as a wait: `at 18:56 (in 2 h 30 min)`, `on Tue 18:56
 * (in 3 d 4 h)` within a week, a full date beyond. Null for an unreadable time.
 */
export function describeWhen(iso: string, now: number = Date.now()): string | null {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return null;
  const date = new Date(at);
  const wait = formatWait(at - now);
  if (new Date(now).toDateString() === date.toDateString()) return `at ${timeFormat.format(date)} (in ${wait})`;
  if (at - now < 6 * 86_400_000) return `on ${dayAndTimeFormat.format(date)} (in ${wait})`;
  return `on ${dateAndTimeFormat.format(date)} (in ${wait})`;
}
