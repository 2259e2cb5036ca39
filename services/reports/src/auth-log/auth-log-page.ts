import type { AuthEvent } from '../../../../shared/event/auth-event.js';
import type { EventScope } from '../search/event-scope.js';
import type { EventSearch } from '../search/event-search.js';
import { formatZoned } from '../params/zoned-time.js';
import { EVENT_SOURCE, eventSort, sortPosition } from './event-sort.js';
import { encodeCursor, type CursorPosition, type SortOrder } from './log-cursor.js';

export interface AuthLogPage {
  readonly account_id: string;
  readonly time_zone: string;
  readonly from: string;
  readonly to: string;
  readonly sort: `timestamp:${SortOrder}`;
  readonly items: AuthEvent[];
  /** Pass as `cursor` for the next page; null on the last page. */
  readonly next_cursor: string | null;
  /** Matching events, counted exactly up to `totalLimit` (relation "gte" beyond); first page only. */
  readonly total: { readonly value: number; readonly relation: 'eq' | 'gte' } | null;
}

/**
 * One page of the auth log, newest (or oldest) first, continuing after `after` with search_after on
 * [timestamp, txid]. Reads one extra event to know whether another page exists, so the last page
 * says so instead of sending the caller to an empty one.
 */
export async function authLogPage(
  search: EventSearch,
  scope: EventScope,
  options: { limit: number; order: SortOrder; after?: CursorPosition | undefined; totalLimit: number; signal?: AbortSignal | undefined },
): Promise<AuthLogPage> {
  const response = await search.search(
    scope,
    {
      size: options.limit + 1,
      sort: eventSort(options.order),
      ...(options.after === undefined ? {} : { search_after: [options.after.timestampMs, options.after.txid] }),
      track_total_hits: options.after === undefined ? options.totalLimit : false,
      _source: EVENT_SOURCE,
    },
    options.signal,
  );
  const hits = response.hits.hits;
  const page = hits.slice(0, options.limit);
  const last = page[page.length - 1];
  const total = response.hits.total;
  return {
    account_id: scope.accountId,
    time_zone: scope.range.timeZone,
    from: formatZoned(scope.range.fromMs, scope.range.timeZone),
    to: formatZoned(scope.range.toMs, scope.range.timeZone),
    sort: `timestamp:${options.order}`,
    items: page.map((hit) => hit._source as AuthEvent),
    next_cursor: hits.length > options.limit && last !== undefined ? encodeCursor(scope, { ...sortPosition(last.sort), order: options.order }) : null,
    total: options.after !== undefined || total === undefined ? null : typeof total === 'number' ? { value: total, relation: 'eq' } : { value: total.value, relation: total.relation },
  };
}
