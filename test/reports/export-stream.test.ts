import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openExport } from '../../services/reports/src/auth-log/export-stream.js';
import type { EventScope } from '../../services/reports/src/search/event-scope.js';
import { NO_FILTERS } from '../../services/reports/src/search/event-scope.js';
import type { EventSearch, SearchParts } from '../../services/reports/src/search/event-search.js';
import { silentLogger } from '../../shared/log/logger.js';
import { parseAuthEvent } from '../../shared/event/parse-auth-event.js';
import { sampleEvent } from '../../testing/sample-event.js';

/**
 * The export is a pull stream: it reads a page only when the consumer wants more, so a slow client
 * (or one that stops) never makes the server hold the whole export. A stand-in for the search
 * backend counts the pages asked for; the real backend is covered by the ground-truth tests.
 */
function fakeSearch(totalPages: number, pageSize: number) {
  const calls = { pages: 0, opened: 0, closed: 0, searchAfter: [] as unknown[] };
  const event = parseAuthEvent(sampleEvent());
  const search = {
    openPointInTime: async () => ((calls.opened += 1), 'pit-1'),
    closePointInTime: async () => {
      calls.closed += 1;
    },
    searchPointInTime: async (_pit: string, _keepAlive: string, scope: EventScope, parts: SearchParts) => {
      expect(scope.accountId).toBe('acct_a');
      calls.searchAfter.push(parts.search_after);
      const page = calls.pages;
      calls.pages += 1;
      const size = page < totalPages ? pageSize : 0;
      return {
        hits: {
          hits: Array.from({ length: size }, (_, index) => ({ _source: { ...event, txid: `tx-${page}-${index}` }, sort: [1_800_000_000_000 - page * pageSize - index, `tx-${page}-${index}`] })),
        },
      };
    },
  };
  return { search: search as unknown as EventSearch, calls };
}

const scope: EventScope = { accountId: 'acct_a', filters: NO_FILTERS, range: { fromMs: 0, toMs: 1, timeZone: 'UTC' } };
const options = (format: 'csv' | 'ndjson') => ({ format, order: 'desc' as const, pageSize: 100, keepAlive: '1m', logger: silentLogger });

describe('export stream', () => {
  it('reads the next page only when the consumer asks for more, and closes the point in time when it stops', async () => {
    const { search, calls } = fakeSearch(1_000, 100);
    const stream = Readable.from(await openExport(search, scope, options('ndjson')), { objectMode: false, highWaterMark: 1 });
    const iterator = stream[Symbol.asyncIterator]();
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50)); // give an eager implementation time to run ahead
    expect(calls.pages).toBeLessThanOrEqual(2);
    await iterator.next();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls.pages).toBeLessThanOrEqual(3);
    await iterator.return?.(); // the client went away
    stream.destroy();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(calls.closed).toBe(1);
    expect(calls.pages).toBeLessThan(10); // of 1,000 pages
  });

  it('continues each page after the last [timestamp, txid] and ends on a short page', async () => {
    const { search, calls } = fakeSearch(3, 100);
    let text = '';
    for await (const chunk of await openExport(search, scope, options('csv'))) text += chunk;
    expect(text.split('\r\n').length - 2).toBe(300); // header + 300 records + trailing empty
    expect(calls.searchAfter[0]).toBeUndefined();
    expect(calls.searchAfter[1]).toEqual([1_800_000_000_000 - 99, 'tx-0-99']);
    expect(calls).toMatchObject({ pages: 4, opened: 1, closed: 1 });
  });
});
