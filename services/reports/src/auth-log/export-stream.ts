import type { AuthEvent } from '../../../../shared/event/auth-event.js';
import type { Logger } from '../../../../shared/log/logger.js';
import type { EventScope } from '../search/event-scope.js';
import type { EventSearch } from '../search/event-search.js';
import { CSV_HEADER, csvRecord } from './csv-format.js';
import { EVENT_SOURCE, eventSort, sortPosition } from './event-sort.js';
import type { SortOrder } from './log-cursor.js';

export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions {
  readonly format: ExportFormat;
  readonly order: SortOrder;
  readonly pageSize: number;
  /** Point-in-time keep-alive between two pages. */
  readonly keepAlive: string;
  readonly signal?: AbortSignal | undefined;
  readonly logger: Logger;
  /** Called with each page's event count, for metrics. */
  readonly onPage?: (events: number) => void;
}

/**
 * The scope's events as CSV or NDJSON text chunks, one chunk per page, read from a point in time
 * (a consistent snapshot: events indexed during the export neither appear nor shift pages) with
 * search_after. The point in time is opened before anything is sent, so an unreachable backend is
 * still a clean 503; the chunks are a pull stream: the next page is read only when the consumer (the
 * HTTP response, through backpressure) asks for more, so memory holds one page whatever the size of
 * the export. The point in time is closed at the end, on error, and when the consumer stops early
 * (and expires after `keepAlive` if the consumer never starts).
 */
export async function openExport(search: EventSearch, scope: EventScope, options: ExportOptions): Promise<AsyncGenerator<string>> {
  const pit = await search.openPointInTime(scope, options.keepAlive, options.signal);
  return exportChunks(search, scope, pit, options);
}

async function* exportChunks(search: EventSearch, scope: EventScope, pit: string | undefined, options: ExportOptions): AsyncGenerator<string> {
  if (options.format === 'csv') yield CSV_HEADER;
  if (pit === undefined) return;
  try {
    let after: [number, string] | undefined;
    for (;;) {
      const response = await search.searchPointInTime(
        pit,
        options.keepAlive,
        scope,
        { size: options.pageSize, sort: eventSort(options.order), _source: EVENT_SOURCE, ...(after === undefined ? {} : { search_after: after }) },
        options.signal,
      );
      const hits = response.hits.hits;
      options.onPage?.(hits.length);
      if (hits.length > 0) {
        const render = options.format === 'csv' ? csvRecord : (event: AuthEvent) => `${JSON.stringify(event)}\n`;
        yield hits.map((hit) => render(hit._source as AuthEvent)).join('');
      }
      if (hits.length < options.pageSize) return;
      const position = sortPosition(hits[hits.length - 1]?.sort);
      after = [position.timestampMs, position.txid];
    }
  } finally {
    await search.closePointInTime(pit).catch((error: unknown) => options.logger.warn({ err: error }, 'could not close an export point in time; it expires by itself'));
  }
}
