/** Latency percentiles of one series, in milliseconds (nearest-rank, so every value is one that was measured). */
export type Percentiles = { n: number; p50: number; p90: number; p99: number; mean: number; max: number };

export function percentiles(values: readonly number[]): Percentiles {
  const sorted = values.filter((value) => Number.isFinite(value)).sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { n: 0, p50: Number.NaN, p90: Number.NaN, p99: Number.NaN, mean: Number.NaN, max: Number.NaN };
  const rank = (p: number) => sorted[Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1))] as number;
  const mean = sorted.reduce((sum, value) => sum + value, 0) / n;
  return { n, p50: rank(50), p90: rank(90), p99: rank(99), mean, max: sorted[n - 1] as number };
}

/**
 * What a relay adds, percentile by percentile: its latency minus the direct latency at the same percentile. Both
 * series come from the same run, interleaved, so machine drift cancels out.
 */
export function overhead(through: Percentiles, direct: Percentiles): Pick<Percentiles, 'p50' | 'p90' | 'p99'> {
  return { p50: through.p50 - direct.p50, p90: through.p90 - direct.p90, p99: through.p99 - direct.p99 };
}

/** Rounded for the reports: three significant decimals below 10, fewer above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const digits = Math.abs(value) < 10 ? 3 : Math.abs(value) < 100 ? 2 : 1;
  return Number(value.toFixed(digits));
}
