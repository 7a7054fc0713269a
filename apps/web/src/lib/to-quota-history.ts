import type { QuotaSnapshot } from '@pag/contracts';

export type QuotaHistoryLine = {
  name: string;
  label: string;
  from: string;
  to: string;
  /** Oldest first; `x` is the point's place in time between `from` and `to` (0–1), `usedPercent` clamped 0–100. */
  points: Array<{ at: string; x: number; usedPercent: number }>;
};

const NAMES: Record<string, string> = { primary: '5-hour limit', secondary: 'Weekly limit' };

/**
 * The quota snapshots as one line per window (primary, secondary, …), placed by time, not by index: snapshots come
 * irregularly (while the settings are open, before routing), and even spacing would distort the slope. Windows
 * without a reported percentage are skipped; a line needs two points.
 */
export function toQuotaHistory(history: QuotaSnapshot[]): QuotaHistoryLine[] {
  const byWindow = new Map<string, Array<{ at: string; time: number; usedPercent: number }>>();
  for (const snapshot of history) {
    const time = Date.parse(snapshot.observedAt);
    if (Number.isNaN(time)) continue;
    for (const window of snapshot.windows) {
      if (window.usedPercent == null) continue;
      const points = byWindow.get(window.name) ?? [];
      points.push({ at: snapshot.observedAt, time, usedPercent: Math.min(100, Math.max(0, window.usedPercent)) });
      byWindow.set(window.name, points);
    }
  }
  const lines: QuotaHistoryLine[] = [];
  for (const [name, points] of byWindow) {
    if (points.length < 2) continue;
    points.sort((a, b) => a.time - b.time);
    const first = points[0];
    const last = points[points.length - 1];
    if (first == null || last == null) continue;
    const span = last.time - first.time;
    lines.push({
      name,
      label: NAMES[name] ?? `${name} limit`,
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
