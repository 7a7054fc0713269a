import type { QuotaHistoryPoint } from '@pag/contracts';

export type QuotaHistoryLine = {
  name: string;
  label: string;
  from: string;
  to: string;
  /** Oldest first; `x` is the point's place in time between `from` and `to` (0–1), `usedPercent` clamped 0–100. */
  points: Array<{ at: string; x: number; usedPercent: number }>;
};

/** The windows a history point records, by name, and how the page calls them. */
const WINDOWS = [
  { name: '5h', label: '5-hour limit', usedPercentOf: (point: QuotaHistoryPoint) => point.fiveHourUsedPercent },
  { name: 'weekly', label: 'Weekly limit', usedPercentOf: (point: QuotaHistoryPoint) => point.weeklyUsedPercent },
] as const;

/**
 * The quota history as one line per window (5-hour, weekly), placed by time, not by index: snapshots come
 * irregularly (while the settings are open, before routing), and even spacing would distort the slope. Windows
 * without a reported percentage are skipped; a line needs two points.
 */
export function toQuotaHistory(history: readonly QuotaHistoryPoint[]): QuotaHistoryLine[] {
  const lines: QuotaHistoryLine[] = [];
  for (const { name, label, usedPercentOf } of WINDOWS) {
    const points: Array<{ at: string; time: number; usedPercent: number }> = [];
    for (const point of history) {
      const time = Date.parse(point.observedAt);
      const usedPercent = usedPercentOf(point);
      if (Number.isNaN(time) || usedPercent == null) continue;
      points.push({ at: point.observedAt, time, usedPercent: Math.min(100, Math.max(0, usedPercent)) });
    }
    if (points.length < 2) continue;
    points.sort((a, b) => a.time - b.time);
    const first = points[0];
    const last = points[points.length - 1];
    if (first == null || last == null) continue;
    const span = last.time - first.time;
    lines.push({
      name,
      label,
      from: first.at,
      to: last.at,
      points: points.map((point) => ({
        at: point.at,
        x: span === 0 ? 0 : (point.time - first.time) / span,
        usedPercent: point.usedPercent,
      })),
    });
  }
  return lines;
}
