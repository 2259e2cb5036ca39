/**
 * Typed reading of the few aggregation shapes the reports use. Elasticsearch's response types are a
 * union of every aggregate; these helpers check the one shape we asked for and fail loudly if the
 * answer has another (a bug in the request, never the caller's fault). A response without any
 * aggregations means there was no index to search yet (a new installation): that reads as no events.
 */
export interface Bucket {
  readonly key: unknown;
  readonly doc_count: number;
  readonly [sub: string]: unknown;
}

type Aggregations = Readonly<Record<string, unknown>> | undefined;

export function bucketsOf(aggregations: Aggregations, name: string): Bucket[] {
  if (aggregations === undefined) return [];
  const aggregate = aggregations?.[name] as { buckets?: unknown } | undefined;
  const buckets = aggregate?.buckets;
  if (Array.isArray(buckets)) return buckets as Bucket[];
  if (buckets !== null && typeof buckets === 'object') {
    // keyed buckets (filters aggregation): turn { name: bucket } into [{ key: name, ...bucket }]
    return Object.entries(buckets as Record<string, Bucket>).map(([key, bucket]) => ({ ...bucket, key }));
  }
  throw new Error(`aggregation ${name} has no buckets`);
}

/** `value` of a metric aggregation (cardinality, max); null when there was nothing to measure. */
export function valueOf(aggregations: Aggregations, name: string): number | null {
  if (aggregations === undefined) return null;
  const aggregate = aggregations?.[name] as { value?: unknown } | undefined;
  if (aggregate === undefined) throw new Error(`aggregation ${name} is missing`);
  return typeof aggregate.value === 'number' ? aggregate.value : null;
}

export function countOf(aggregations: Aggregations, name: string): number {
  if (aggregations === undefined) return 0;
  const aggregate = aggregations?.[name] as { doc_count?: unknown } | undefined;
  if (typeof aggregate?.doc_count !== 'number') throw new Error(`aggregation ${name} has no doc_count`);
  return aggregate.doc_count;
}

export interface TermsInfo {
  readonly otherDocCount: number;
  readonly errorUpperBound: number;
}

export function termsInfoOf(aggregations: Aggregations, name: string): TermsInfo {
  const aggregate = aggregations?.[name] as { sum_other_doc_count?: unknown; doc_count_error_upper_bound?: unknown } | undefined;
  return {
    otherDocCount: typeof aggregate?.sum_other_doc_count === 'number' ? aggregate.sum_other_doc_count : 0,
    errorUpperBound: typeof aggregate?.doc_count_error_upper_bound === 'number' ? aggregate.doc_count_error_upper_bound : 0,
  };
}

/** Composite aggregation page: its buckets and the key to ask for the next page (none at the end). */
export function compositeOf(aggregations: Aggregations, name: string): { buckets: Bucket[]; afterKey: Record<string, unknown> | undefined } {
  if (aggregations === undefined) return { buckets: [], afterKey: undefined };
  const aggregate = aggregations?.[name] as { buckets?: unknown; after_key?: unknown } | undefined;
  if (!Array.isArray(aggregate?.buckets)) throw new Error(`composite aggregation ${name} has no buckets`);
  return { buckets: aggregate.buckets as Bucket[], afterKey: aggregate.after_key as Record<string, unknown> | undefined };
}

export const numberKey = (bucket: Bucket): number => {
  if (typeof bucket.key !== 'number') throw new Error(`bucket key ${String(bucket.key)} is not a number`);
  return bucket.key;
};
