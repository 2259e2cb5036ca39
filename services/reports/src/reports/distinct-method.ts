/**
 * How a report counted distinct users, said in every answer that contains such a count. Elasticsearch's
 * cardinality aggregation is HyperLogLog++: counts below its precision threshold are near-exact (hash
 * collisions aside), above it the error is typically under a few percent. Exact mode pages through a
 * composite aggregation and counts every (user, bucket) pair: exact, and slower on large accounts.
 */
export interface DistinctMethod {
  readonly exact: boolean;
  readonly method: 'cardinality' | 'composite';
  readonly note: string;
}

export function approximateMethod(precisionThreshold: number): DistinctMethod {
  return {
    exact: false,
    method: 'cardinality',
    note: `approximate (HyperLogLog++, precision_threshold ${precisionThreshold}): near-exact below ${precisionThreshold} distinct users per bucket, typically within a few percent above; ask exact=true for exact counts`,
  };
}

export const EXACT_METHOD: DistinctMethod = Object.freeze({
  exact: true,
  method: 'composite',
  note: 'exact: every distinct user was enumerated (composite aggregation paging)',
});
