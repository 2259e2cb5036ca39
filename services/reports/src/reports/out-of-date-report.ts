import { formatZoned, startOfLocalDay } from '../params/zoned-time.js';
import { bucketsOf, numberKey, termsInfoOf, valueOf, type Bucket } from './aggregation-reading.js';
import { compositeBuckets } from './composite-pages.js';
import { approximateMethod, EXACT_METHOD, type DistinctMethod } from './distinct-method.js';
import { histogramBounds, reportHeader, type ReportContext } from './report-context.js';

export interface SoftwareCount {
  /** e.g. "Chrome 118.0"; null for out_of_date denials that did not say which software. */
  readonly ood_software: string | null;
  readonly events: number;
  readonly distinct_users: number;
}

export interface OutOfDateMonth {
  readonly month: string;
  readonly start: string;
  readonly events: number;
  readonly distinct_users: number;
  readonly software: SoftwareCount[];
  /** Events of the software beyond the top N. */
  readonly other_software_events: number;
}

export interface OutOfDateReport extends ReturnType<typeof reportHeader> {
  readonly distinct: DistinctMethod;
  readonly months: OutOfDateMonth[];
  readonly total: { readonly events: number; readonly distinct_users: number };
}

/**
 * Authentications denied because the device was out of date (reason out_of_date), per local month:
 * events, distinct users, and which software was out of date (top N). The caller's scope must
 * already say reason=out_of_date.
 */
export async function outOfDateReport(context: ReportContext, options: { exact: boolean; top: number }): Promise<OutOfDateReport> {
  return options.exact ? exactReport(context, options.top) : approximateReport(context, options.top);
}

async function approximateReport(context: ReportContext, top: number): Promise<OutOfDateReport> {
  const { scope, settings } = context;
  const users = { cardinality: { field: 'user.key', precision_threshold: settings.precisionThreshold } };
  const response = await context.search.search(
    scope,
    {
      track_total_hits: true,
      aggs: {
        months: {
          date_histogram: { field: 'timestamp', calendar_interval: 'month', time_zone: scope.range.timeZone, ...histogramBounds(scope) },
          aggs: {
            users,
            software: { terms: { field: 'ood_software', size: top, shard_size: Math.max(top, settings.termsShardSize), missing: '' }, aggs: { users } },
          },
        },
        users,
      },
    },
    context.signal,
  );
  const months = bucketsOf(response.aggregations, 'months').map((bucket: Bucket) => ({
    ...monthLabel(numberKey(bucket), scope.range.timeZone),
    events: bucket.doc_count,
    distinct_users: valueOf(bucket, 'users') ?? 0,
    software: bucketsOf(bucket, 'software').map((software) => ({
      ood_software: software.key === '' ? null : String(software.key),
      events: software.doc_count,
      distinct_users: valueOf(software, 'users') ?? 0,
    })),
    other_software_events: termsInfoOf(bucket, 'software').otherDocCount,
  }));
  const events = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
  return {
    ...reportHeader('out_of_date', scope),
    distinct: approximateMethod(settings.precisionThreshold),
    months,
    total: { events, distinct_users: valueOf(response.aggregations, 'users') ?? 0 },
  };
}

interface MonthTally {
  events: number;
  users: number;
  software: Map<string | null, { events: number; users: number }>;
}

async function exactReport(context: ReportContext, top: number): Promise<OutOfDateReport> {
  const { scope } = context;
  const zone = scope.range.timeZone;
  const months = new Map<number, MonthTally>();
  let users = 0;
  let events = 0;
  let last: { user: string; month: number } | undefined;
  // Sorted by user, month, software: each bucket is one (user, month, software) triple.
  const triples = compositeBuckets(
    context.search,
    scope,
    [
      { user: { terms: { field: 'user.key' } } },
      { month: { date_histogram: { field: 'timestamp', calendar_interval: 'month', time_zone: zone } } },
      { software: { terms: { field: 'ood_software', missing_bucket: true } } },
    ],
    { pageSize: context.settings.compositePageSize, signal: context.signal },
  );
  for await (const bucket of triples) {
    const key = bucket.key as { user: string; month: number; software: string | null };
    const month = months.get(key.month) ?? { events: 0, users: 0, software: new Map() };
    months.set(key.month, month);
    if (last?.user !== key.user) users += 1;
    if (last?.user !== key.user || last.month !== key.month) month.users += 1;
    last = { user: key.user, month: key.month };
    const software = month.software.get(key.software) ?? { events: 0, users: 0 };
    software.events += bucket.doc_count;
    software.users += 1;
    month.software.set(key.software, software);
    month.events += bucket.doc_count;
    events += bucket.doc_count;
  }
  return {
    ...reportHeader('out_of_date', scope),
    distinct: EXACT_METHOD,
    months: monthStarts(context).map((start) => {
      const tally = months.get(start) ?? { events: 0, users: 0, software: new Map() };
      // Same order as a terms aggregation: most events first, then by name.
      const ranked = [...tally.software.entries()].sort(([a, x], [b, y]) => y.events - x.events || compareKeys(a ?? '', b ?? ''));
      return {
        ...monthLabel(start, zone),
        events: tally.events,
        distinct_users: tally.users,
        software: ranked.slice(0, top).map(([name, count]) => ({ ood_software: name, events: count.events, distinct_users: count.users })),
        other_software_events: ranked.slice(top).reduce((sum, [, count]) => sum + count.events, 0),
      };
    }),
    total: { events, distinct_users: users },
  };
}

const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function monthLabel(start: number, zone: string) {
  const local = formatZoned(start, zone);
  return { month: local.slice(0, 7), start: local };
}

/** Local month starts the range touches, as date_histogram keys them. */
function monthStarts(context: ReportContext): number[] {
  const { fromMs, toMs, timeZone } = context.scope.range;
  const starts: number[] = [];
  let [year = 2000, month = 1] = formatZoned(fromMs, timeZone).slice(0, 7).split('-').map(Number);
  for (;;) {
    const start = startOfLocalDay(`${year}-${String(month).padStart(2, '0')}-01`, timeZone);
    if (start >= toMs) return starts;
    starts.push(start);
    [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
  }
}

