import { formatZoned, localDate, startOfLocalDay } from '../params/zoned-time.js';
import { bucketsOf, numberKey, valueOf } from './aggregation-reading.js';
import { compositeBuckets } from './composite-pages.js';
import { approximateMethod, EXACT_METHOD, type DistinctMethod } from './distinct-method.js';
import { histogramBounds, reportHeader, type ReportContext } from './report-context.js';

export interface DistinctUsersDay {
  readonly date: string;
  readonly start: string;
  readonly distinct_users: number;
  readonly events: number;
}

export interface DistinctUsersReport extends ReturnType<typeof reportHeader> {
  readonly distinct: DistinctMethod;
  readonly days: DistinctUsersDay[];
  readonly total: { readonly distinct_users: number; readonly events: number };
}

/**
 * Distinct users with a successful authentication, per local day of the report's time zone, and over
 * the whole range. The caller's scope must already say result=success and event_type=authentication.
 */
export async function distinctUsersReport(context: ReportContext, exact: boolean): Promise<DistinctUsersReport> {
  return exact ? exactReport(context) : approximateReport(context);
}

async function approximateReport(context: ReportContext): Promise<DistinctUsersReport> {
  const { scope, settings } = context;
  const cardinality = { cardinality: { field: 'user.key', precision_threshold: settings.precisionThreshold } };
  const response = await context.search.search(
    scope,
    {
      track_total_hits: true,
      aggs: {
        days: {
          date_histogram: { field: 'timestamp', calendar_interval: 'day', time_zone: scope.range.timeZone, ...histogramBounds(scope) },
          aggs: { users: cardinality },
        },
        users: cardinality,
      },
    },
    context.signal,
  );
  const zone = scope.range.timeZone;
  const days = bucketsOf(response.aggregations, 'days').map((bucket) => ({
    date: localDate(numberKey(bucket), zone),
    start: formatZoned(numberKey(bucket), zone),
    distinct_users: valueOf(bucket, 'users') ?? 0,
    events: bucket.doc_count,
  }));
  const events = typeof response.hits.total === 'number' ? response.hits.total : (response.hits.total?.value ?? 0);
  return {
    ...reportHeader('distinct_users', scope),
    distinct: approximateMethod(settings.precisionThreshold),
    days,
    total: { distinct_users: valueOf(response.aggregations, 'users') ?? 0, events },
  };
}

async function exactReport(context: ReportContext): Promise<DistinctUsersReport> {
  const { scope } = context;
  const zone = scope.range.timeZone;
  const perDay = new Map<number, { users: number; events: number }>();
  let users = 0;
  let events = 0;
  let lastUser: unknown;
  // Sorted by user, then day: each bucket is one (user, day) pair, and a new user starts a new run.
  const pairs = compositeBuckets(
    context.search,
    scope,
    [{ user: { terms: { field: 'user.key' } } }, { day: { date_histogram: { field: 'timestamp', calendar_interval: 'day', time_zone: zone } } }],
    { pageSize: context.settings.compositePageSize, signal: context.signal },
  );
  for await (const bucket of pairs) {
    const key = bucket.key as { user: string; day: number };
    if (key.user !== lastUser) (users += 1), (lastUser = key.user);
    const day = perDay.get(key.day) ?? { users: 0, events: 0 };
    day.users += 1;
    day.events += bucket.doc_count;
    perDay.set(key.day, day);
    events += bucket.doc_count;
  }
  const days = localDayStarts(context).map((start) => ({
    date: localDate(start, zone),
    start: formatZoned(start, zone),
    distinct_users: perDay.get(start)?.users ?? 0,
    events: perDay.get(start)?.events ?? 0,
  }));
  return { ...reportHeader('distinct_users', scope), distinct: EXACT_METHOD, days, total: { distinct_users: users, events } };
}

/** Start instants of the local days the range touches, as date_histogram keys them. */
function localDayStarts(context: ReportContext): number[] {
  const { fromMs, toMs, timeZone } = context.scope.range;
  const starts: number[] = [];
  let date = localDate(fromMs, timeZone);
  for (;;) {
    const start = startOfLocalDay(date, timeZone);
    if (start >= toMs) return starts;
    starts.push(start);
    date = new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  }
}
