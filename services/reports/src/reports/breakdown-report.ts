import type { estypes } from '@elastic/elasticsearch';
import { bucketsOf, countOf, termsInfoOf } from './aggregation-reading.js';
import { reportHeader, type ReportContext } from './report-context.js';

export const BREAKDOWN_DIMENSIONS = ['factor', 'reason', 'application', 'country', 'os', 'browser', 'result'] as const;
export type BreakdownDimension = (typeof BREAKDOWN_DIMENSIONS)[number];

const FIELD: Record<BreakdownDimension, string> = {
  factor: 'factor',
  reason: 'reason',
  application: 'application.key',
  country: 'access_device.location.country',
  os: 'access_device.os',
  browser: 'access_device.browser',
  result: 'result',
};

export interface BreakdownItem {
  readonly key: string;
  /** What to show: the application's name for applications, the key otherwise. */
  readonly label: string;
  readonly events: number;
  /** Share of all events in the range (0..1). */
  readonly share: number;
}

export interface BreakdownReport extends ReturnType<typeof reportHeader> {
  readonly by: BreakdownDimension;
  /** True when every count is exact: each shard returned all its values (terms error bound 0). */
  readonly exact: boolean;
  readonly items: BreakdownItem[];
  /** Events of the values beyond the top N. */
  readonly other: { readonly events: number };
  /** Events without a value (e.g. no known country). */
  readonly missing: { readonly events: number };
  readonly total_events: number;
}

/** The top N values of a dimension by event count, plus "other" and "missing", so the parts add up. */
export async function breakdownReport(context: ReportContext, by: BreakdownDimension, top: number): Promise<BreakdownReport> {
  const { scope, settings } = context;
  const field = FIELD[by];
  const values: estypes.AggregationsAggregationContainer = {
    terms: { field, size: top, shard_size: Math.max(top, settings.termsShardSize) },
    ...(by === 'application' ? { aggs: { name: { terms: { field: 'application.name', size: 1 } } } } : {}),
  };
  const response = await context.search.search(
    scope,
    { track_total_hits: true, aggs: { values, missing: { missing: { field } } } },
    context.signal,
  );
  const total = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
  const info = termsInfoOf(response.aggregations, 'values');
  return {
    ...reportHeader('breakdown', scope),
    by,
    exact: info.errorUpperBound === 0,
    items: bucketsOf(response.aggregations, 'values').map((bucket) => {
      const key = String(bucket.key);
      const name = by === 'application' ? bucketsOf(bucket, 'name')[0]?.key : undefined;
      return { key, label: typeof name === 'string' ? name : key, events: bucket.doc_count, share: total === 0 ? 0 : bucket.doc_count / total };
    }),
    other: { events: info.otherDocCount },
    missing: { events: countOf(response.aggregations, 'missing') },
    total_events: total,
  };
}
