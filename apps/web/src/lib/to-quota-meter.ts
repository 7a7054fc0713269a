export type QuotaWindowInput = { usedPercent: number | null; windowMinutes: number | null; resetsAt: string | null };

export type QuotaMeter = {
  label: string;
  /** 0–100, clamped; null when the backend did not say. */
  usedPercent: number | null;
  /** How full it looks: calm below 70 %, a warning from 70 %, exhausted at 100 %. */
  level: 'ok' | 'warning' | 'exhausted' | 'unknown';
  /** Milliseconds until the window resets; null when unknown. */
  resetsInMs: number | null;
};

/** A usage window of the subscription (`x-codex-*` snapshot) as the settings page draws it. */
export function toQuotaMeter(window: QuotaWindowInput, now: number): QuotaMeter {
  const used = window.usedPercent == null ? null : Math.min(100, Math.max(0, window.usedPercent));
  const resetsAt = window.resetsAt == null ? Number.NaN : Date.parse(window.resetsAt);
  return {
    label: labelOf(window.windowMinutes),
    usedPercent: used,
    level: used == null ? 'unknown' : used >= 100 ? 'exhausted' : used >= 70 ? 'warning' : 'ok',
    resetsInMs: Number.isNaN(resetsAt) ? null : Math.max(0, resetsAt - now),
  };
}

/** ChatGPT plans have a 5-hour and a weekly window; other lengths are named by their size. */
function labelOf(minutes: number | null): string {
  if (minutes == null) return 'Usage window';
  if (minutes === 300) return '5-hour limit';
  if (minutes === 10_080) return 'Weekly limit';
  if (minutes % 1440 === 0) return `${minutes / 1440}-day limit`;
  if (minutes % 60 === 0) return `${minutes / 60}-hour limit`;
  return `${minutes}-minute limit`;
}
