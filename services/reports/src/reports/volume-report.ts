import { RESULTS, type AuthResult } from '../../../../shared/event/vocabulary.js';
import { formatZoned } from '../params/zoned-time.js';
import { bucketsOf, numberKey, type Bucket } from './aggregation-reading.js';
import { histogramBounds, reportHeader, type ReportContext } from './report-context.js';
import type { Interval } from './volume-interval.js';

export type ResultCounts = Record<AuthResult, number> & { total: number };

export interface VolumeReport extends ReturnType<typeof reportHeader> {
  readonly interval: Interval;
  readonly interval_chosen: 'auto' | 'given';
  /** Event counts are exact (document counts, not estimates). */
  readonly exact: true;
  readonly buckets: ({ readonly start: string } & ResultCounts)[];
  readonly total: ResultCounts;
}

/** Authentications over time, one bucket per local hour/day/week (Monday)/month, split by result. */
export async function volumeReport(context: ReportContext, interval: Interval, chosen: 'auto' | 'given'): Promise<VolumeReport> {
  const { scope } = context;
  const byResult = { filters: { filters: Object.fromEntries(RESULTS.map((result) => [result, { term: { result } }])) } };
  const response = await context.search.search(
    scope,
    {
      aggs: {
        volume: {
          date_histogram: { field: 'timestamp', calendar_interval: interval, time_zone: scope.range.timeZone, ...histogramBounds(scope) },
          aggs: { results: byResult },
        },
        results: byResult,
      },
    },
    context.signal,
  );
  return {
    ...reportHeader('volume', scope),
    interval,
    interval_chosen: chosen,
    exact: true,
    buckets: bucketsOf(response.aggregations, 'volume').map((bucket) => ({
      start: formatZoned(numberKey(bucket), scope.range.timeZone),
      ...countsOf(bucket),
    })),
    total: countsOf(response.aggregations),
  };
}

function countsOf(parent: Readonly<Record<string, unknown>> | Bucket | undefined): ResultCounts {
  const counts = { success: 0, denied: 0, fraud: 0, total: 0 };
  for (const bucket of bucketsOf(parent, 'results')) {
    counts[bucket.key as AuthResult] = bucket.doc_count;
    counts.total += bucket.doc_count;
  }
  return counts;
}
