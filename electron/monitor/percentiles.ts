/**
 * Exact percentiles by the nearest-rank method: the p-th percentile of n sorted values is the
 * value at rank ceil(p/100 × n). Always one of the observed values (no interpolation), so a
 * p99 of 40 s means some call really took 40 s. Exact is affordable because the windows are
 * bounded (see RollingWindow); a sketch would only pay off for unbounded streams.
 */
import type { PercentilesView } from '../../shared/ipc/monitor.ts';

export type Percentiles = PercentilesView;

/** Nearest-rank percentile of values already sorted ascending; `p` in (0, 100]. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('No values.');
  // p × n first: (p / 100) × n can land a hair above an integer (0.07 × 100 = 7.000000000000001).
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

/** p50/p95/p99 of `values` (any order), or null when there are none. Does not modify the input. */
export function percentiles(values: readonly number[]): Percentiles | null {
  if (values.length === 0) return null;
  const arr = Array.from(Float64Array.from(values).sort());
  return {
    p50: percentileOfSorted(arr, 50),
    p95: percentileOfSorted(arr, 95),
    p99: percentileOfSorted(arr, 99),
    count: arr.length,
  };
}
