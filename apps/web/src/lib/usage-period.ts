export type UsagePeriodChoice = '7d' | '30d' | 'month' | 'custom';

/** Custom dates as `<input type="date">` gives them (`YYYY-MM-DD`, the reader's local days, both included). */
export type CustomRange = { fromDate: string; toDate: string };

export type UsagePeriod = { from: string; to: string };

const DAY_MS = 86_400_000;

/**
 * The instants a period choice covers, in the reader's local time: the last 7 or 30 days up to now, this calendar
 * month so far, or whole custom days (the end day included, so `to` is the start of the day after). An unusable
 * custom range (empty, or ending before it starts) falls back to the last 30 days rather than asking for nothing.
 */
export function resolveUsagePeriod(choice: UsagePeriodChoice, now: Date, custom?: CustomRange): UsagePeriod {
  const to = now.toISOString();
  if (choice === '7d') return { from: new Date(now.getTime() - 7 * DAY_MS).toISOString(), to };
  if (choice === 'month') return { from: startOfMonth(now).toISOString(), to };
  if (choice === 'custom' && custom != null) {
    const start = parseLocalDate(custom.fromDate);
    const end = parseLocalDate(custom.toDate);
    if (start != null && end != null && end.getTime() >= start.getTime()) {
      const dayAfterEnd = new Date(end.getFullYear(), end.getMonth(), end.getDate() + 1);
      return { from: start.toISOString(), to: dayAfterEnd.toISOString() };
    }
  }
  return { from: new Date(now.getTime() - 30 * DAY_MS).toISOString(), to };
}

/** The start of the reader's current calendar month ("saved this month"). */
export function startOfMonth(now: Date): Date {
  return new Date(now.getFullYear(), now.getMonth(), 1);
}

/** A local date `YYYY-MM-DD` for a date input's value. */
export function toLocalDateInput(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

function parseLocalDate(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (match == null) return null;
  const date = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(date.getTime()) ? null : date;
}
