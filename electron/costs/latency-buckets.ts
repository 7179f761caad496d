/**
 * Latency histogram buckets of the rollups: bucket b holds [1.1^b, 1.1^(b+1)) ms (bucket 0 also
 * holds everything under 1 ms), so a percentile read from the histogram is within 10 % of the
 * exact one, whatever the number of calls. The SQL twin is in migration 012.
 */
import type { PercentilesView } from '../../shared/ipc/monitor.ts';

const RATIO = 1.1;

export function latencyBucket(ms: number): number {
  return Math.floor(Math.log(Math.max(ms, 1)) / Math.log(RATIO));
}

/** [low, high) of bucket `b`, ms. */
export function bucketBounds(b: number): [number, number] {
  return [b === 0 ? 0 : RATIO ** b, RATIO ** (b + 1)];
}

export interface BucketCount {
  bucket: number;
  n: number;
}

/** The bucket holding the nearest-rank p-th percentile of buckets sorted by bucket. */
function bucketAt(sorted: readonly BucketCount[], total: number, p: number): number {
  const rank = Math.max(1, Math.ceil((p * total) / 100));
  let seen = 0;
  for (const b of sorted) {
    seen += b.n;
    if (seen >= rank) return b.bucket;
  }
  return sorted[sorted.length - 1]?.bucket ?? 0;
}

/** A value to show for a bucket: its geometric middle, rounded to the millisecond. */
function representative(b: number): number {
  const [low, high] = bucketBounds(b);
  return Math.round(low === 0 ? high / 2 : Math.sqrt(low * high));
}

/** p50/p95/p99 read from a histogram (any order), or null without values. */
export function percentilesFromBuckets(counts: readonly BucketCount[]): PercentilesView | null {
  const sorted = counts.filter((c) => c.n > 0).sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((sum, c) => sum + c.n, 0);
  if (total === 0) return null;
  return {
    p50: representative(bucketAt(sorted, total, 50)),
    p95: representative(bucketAt(sorted, total, 95)),
    p99: representative(bucketAt(sorted, total, 99)),
    count: total,
  };
}
