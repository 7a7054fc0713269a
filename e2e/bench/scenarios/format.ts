/** Milliseconds for a table cell: two decimals below 10 ms, one above; `—` when not measured. */
export function formatMs(value: number | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return `${value.toFixed(Math.abs(value) < 10 ? 2 : 1)} ms`;
}

/** A ratio for a table cell, as `1.23×`. */
export function ratioOf(value: number | undefined): string {
  if (value == null || !Number.isFinite(value)) return '—';
  return `${value.toFixed(2)}×`;
}
