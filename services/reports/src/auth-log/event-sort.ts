import type { estypes } from '@elastic/elasticsearch';
import type { SortOrder } from './log-cursor.js';

/** Duo's order: by time, ties broken by txid (unique), so search_after never skips or repeats. */
export function eventSort(order: SortOrder): estypes.Sort {
  return [{ timestamp: { order, format: 'epoch_millis' } }, { txid: { order } }];
}

/** The sort values of a hit as [timestamp ms, txid]. */
export function sortPosition(sort: estypes.SortResults | undefined): { timestampMs: number; txid: string } {
  const [timestamp, txid] = sort ?? [];
  const timestampMs = typeof timestamp === 'number' ? timestamp : Number(timestamp);
  if (!Number.isSafeInteger(timestampMs) || typeof txid !== 'string') throw new Error(`unexpected sort values ${JSON.stringify(sort)}`);
  return { timestampMs, txid };
}

/** Documents carry indexed_at (freshness) and kafka (lineage, the trace); callers get the event as recorded. */
export const EVENT_SOURCE = { excludes: ['indexed_at', 'kafka'] };
