import type { EventScope } from '../search/event-scope.js';
import type { EventSearch } from '../search/event-search.js';
import { formatZoned } from '../params/zoned-time.js';

/** What every report function receives: where to search, what it may read, and when to give up. */
export interface ReportContext {
  readonly search: EventSearch;
  readonly scope: EventScope;
  readonly signal?: AbortSignal | undefined;
  readonly settings: ReportSettings;
}

export interface ReportSettings {
  /** cardinality precision_threshold (Elasticsearch caps it at 40000). */
  readonly precisionThreshold: number;
  /** Buckets per composite page in exact mode. */
  readonly compositePageSize: number;
  /** terms shard_size: large enough that our small vocabularies come back whole from every shard. */
  readonly termsShardSize: number;
}

/** The part every report answer starts with: whose data, which range, in which zone. */
export function reportHeader(report: string, scope: EventScope) {
  const { range } = scope;
  return {
    report,
    account_id: scope.accountId,
    time_zone: range.timeZone,
    from: formatZoned(range.fromMs, range.timeZone),
    to: formatZoned(range.toMs, range.timeZone),
  };
}

/**
 * date_histogram bounds so that empty buckets inside the range appear with 0. (Not hard_bounds: they
 * would drop the first bucket when `from` is not on a bucket boundary; the query's range already
 * keeps every document inside the range.)
 */
export function histogramBounds(scope: EventScope) {
  return { min_doc_count: 0, extended_bounds: { min: scope.range.fromMs, max: scope.range.toMs - 1 } };
}
