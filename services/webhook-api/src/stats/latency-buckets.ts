/** Upper bounds (ms) of the latency histogram columns l0..l11; the last is open (timeouts). */
export const LATENCY_BOUNDS_MS = [25, 50, 100, 200, 300, 500, 750, 1_000, 2_000, 5_000, 10_000, Number.POSITIVE_INFINITY] as const;

export const BUCKET_COLUMNS = ['l0', 'l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9', 'l10', 'l11'] as const;
export type BucketColumn = (typeof BUCKET_COLUMNS)[number];

export function bucketOf(latencyMs: number): number {
  const index = LATENCY_BOUNDS_MS.findIndex((bound) => latencyMs <= bound);
  return index === -1 ? LATENCY_BOUNDS_MS.length - 1 : index;
}

/**
 * The upper bound of the bucket holding the q-quantile: "at most this many ms", the precision a
 * mergeable hourly histogram allows. null without attempts; the open last bucket reports its
 * lower bound (10 s) rather than infinity.
 */
export function quantileBound(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.ceil(q * total);
  let seen = 0;
  for (let index = 0; index < counts.length; index += 1) {
    seen += counts[index] ?? 0;
    if (seen >= rank) {
      const bound = LATENCY_BOUNDS_MS[index] ?? Number.POSITIVE_INFINITY;
      return Number.isFinite(bound) ? bound : 10_000;
    }
  }
  return null;
}
