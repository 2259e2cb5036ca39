import { describe, expect, it } from 'vitest';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { eventIndexNames, monthlyIndexFor } from '../../../shared/elasticsearch/event-index.js';
import { toEventDocument } from '../../../shared/elasticsearch/event-document.js';
import { sampleEvent } from '../../../testing/sample-event.js';
import { bulkBody, toBulkItem, type BulkItem } from './bulk-item.js';
import { BulkIndexer, type BulkObserver } from './bulk-indexer.js';
import type { BulkSender, ItemOutcome } from './elasticsearch-bulk-sender.js';
import { BulkRequestError } from './errors/bulk-request-error.js';
import { IndexUnavailableError } from './errors/index-unavailable-error.js';
import { RetryAbortedError } from '../../../shared/errors/retry-aborted-error.js';

const names = eventIndexNames('unit');
const items = (count: number): BulkItem<number>[] => Array.from({ length: count }, (_, n) => toBulkItem(names, parseAuthEvent(sampleEvent()), n));
const quiet: BulkObserver = { request: () => {}, requestRetry: () => {}, documentRetry: () => {}, indexUnavailable: () => {} };
const fast = { initialMs: 1, maxMs: 2, factor: 2 };
const signal = new AbortController().signal;

/** A sender scripted per call: each entry answers one request. */
function scripted(answers: ((batch: readonly BulkItem<unknown>[]) => ItemOutcome[])[]): BulkSender & { calls: number[] } {
  const calls: number[] = [];
  const sender = async (batch: readonly BulkItem<unknown>[]) => {
    calls.push(batch.length);
    const answer = answers.shift();
    if (answer === undefined) throw new Error('unexpected request');
    return answer(batch);
  };
  return Object.assign(sender, { calls });
}
const allIndexed = (batch: readonly BulkItem<unknown>[]): ItemOutcome[] => batch.map(() => ({ status: 'indexed' }));
const failWith = (status: number | null) => (): ItemOutcome[] => {
  throw new BulkRequestError(`HTTP ${status}`, status);
};

describe('bulk items', () => {
  it('serialise to the shared document shape: toEventDocument(event, indexedAt), with _id, routing and monthly index', () => {
    const event = parseAuthEvent(sampleEvent({ timestamp: '2026-02-03T04:05:06.007Z' }));
    const item = toBulkItem(names, event, null);
    const now = new Date('2026-11-26T12:00:00.000Z');
    const body = bulkBody([item], now);
    const [action, source, end] = body.toString('utf8').split('\n');
    expect(JSON.parse(action!)).toEqual({ index: { _index: 'unit-events-2026.02', _id: event.txid, routing: event.account_id } });
    expect(JSON.parse(source!)).toEqual(toEventDocument(event, now));
    expect(end).toBe('');
    expect(item.bytes).toBe(body.length);
  });

  it('build one body from Buffer and string sources (non-ASCII, trailing spaces), whatever item.bytes says', () => {
    const events = [parseAuthEvent(sampleEvent({ user: { key: 'DU1', name: 'Zoë', groups: ['ünits'] } })), parseAuthEvent(sampleEvent({ timestamp: '2026-10-01T00:00:00.000Z' })), parseAuthEvent(sampleEvent())];
    const batch = [
      toBulkItem(names, events[0]!, null),
      { ...toBulkItem(names, events[1]!, null, Buffer.from(`${JSON.stringify(events[1])}  `)), bytes: 1 },
      toBulkItem(names, events[2]!, null, Buffer.from(JSON.stringify(events[2]))),
    ];
    const now = new Date('2026-11-26T12:00:00.000Z');
    const lines = bulkBody(batch, now).toString('utf8').split('\n');
    expect(lines).toHaveLength(7);
    expect(lines.at(-1)).toBe('');
    events.forEach((event, n) => {
      expect(JSON.parse(lines[2 * n]!)).toEqual({ index: { _index: monthlyIndexFor(names, event.timestamp), _id: event.txid, routing: event.account_id } });
      expect(JSON.parse(lines[2 * n + 1]!)).toEqual(toEventDocument(event, now));
    });
  });
});

describe('BulkIndexer', () => {
  it('retries a whole failed request (connection, 429, 5xx) with the same documents until it succeeds', async () => {
    const sender = scripted([failWith(null), failWith(429), failWith(503), allIndexed]);
    const events: string[] = [];
    const result = await new BulkIndexer(sender, fast, quiet).index(items(5), { signal, onFailing: () => events.push('failing'), onRecovered: () => events.push('recovered') });
    expect(result).toEqual({ indexed: 5, rejected: [] });
    expect(sender.calls).toEqual([5, 5, 5, 5]);
    expect(events).toEqual(['failing', 'recovered']);
  });

  it('sends again only the documents answered 429, and rejects those refused with 400', async () => {
    const sender = scripted([
      (batch) => batch.map((_, n): ItemOutcome => (n === 1 ? { status: 'retry', httpStatus: 429, type: 'es_rejected_execution_exception', reason: 'queue full' } : n === 3 ? { status: 'rejected', httpStatus: 400, type: 'document_parsing_exception', reason: 'bad ip' } : { status: 'indexed' })),
      allIndexed,
    ]);
    const result = await new BulkIndexer(sender, fast, quiet).index(items(4), { signal });
    expect(sender.calls).toEqual([4, 1]);
    expect(result.indexed).toBe(3);
    expect(result.rejected.map((entry) => [entry.item.origin, entry.reason, entry.error])).toEqual([[3, 'ES_REJECTED', 'document_parsing_exception: bad ip']]);
  });

  it('sends again, for as long as it takes, documents whose index refuses writes (closed, blocked, shard limit), reporting failing then recovered: never rejected', async () => {
    const closed: ItemOutcome = { status: 'unavailable', httpStatus: 400, type: 'index_closed_exception', reason: 'closed' };
    const sender = scripted([(batch) => batch.map((_, n): ItemOutcome => (n < 2 ? { status: 'indexed' } : closed)), (batch) => batch.map(() => closed), (batch) => batch.map(() => closed), allIndexed]);
    const events: unknown[] = [];
    const retried: number[] = [];
    const observer: BulkObserver = { ...quiet, indexUnavailable: (error) => retried.push(error.documents) };
    const result = await new BulkIndexer(sender, fast, observer).index(items(5), { signal, onFailing: (error) => events.push(error), onRecovered: () => events.push('recovered') });
    expect(result).toEqual({ indexed: 5, rejected: [] });
    expect(sender.calls).toEqual([5, 3, 3, 3]);
    expect(retried).toEqual([3, 3, 3]);
    expect(events).toHaveLength(2);
    expect(events[0]).toBeInstanceOf(IndexUnavailableError);
    expect(events[0]).toMatchObject({ code: 'INDEX_UNAVAILABLE', retryable: true, type: 'index_closed_exception', index: 'unit-events-2026.11', documents: 3 });
    expect(events[1]).toBe('recovered');
  });

  it('retries a whole request refused with a cluster error type even under 400, instead of splitting it to dead-letter documents', async () => {
    const sender = scripted([
      () => {
        throw new BulkRequestError('HTTP 400', 400, { errorType: 'validation_exception' });
      },
      allIndexed,
    ]);
    const result = await new BulkIndexer(sender, fast, quiet).index(items(4), { signal });
    expect(result).toEqual({ indexed: 4, rejected: [] });
    expect(sender.calls).toEqual([4, 4]);
  });

  it('splits a request refused as a whole (413) until the one document at fault is alone, and indexes the rest', async () => {
    const poison = 5;
    const sender: BulkSender = async (batch) => {
      if (batch.some((item) => item.origin === poison)) throw new BulkRequestError('HTTP 413', 413);
      return allIndexed(batch);
    };
    const result = await new BulkIndexer(sender, fast, quiet).index(items(8), { signal });
    expect(result.indexed).toBe(7);
    expect(result.rejected.map((entry) => [entry.item.origin, entry.reason])).toEqual([[poison, 'ES_REQUEST_REJECTED']]);
  });

  it('stops retrying when aborted, without claiming anything was indexed', async () => {
    const abort = new AbortController();
    const sender: BulkSender = async () => {
      abort.abort();
      throw new BulkRequestError('down', null);
    };
    await expect(new BulkIndexer(sender, fast, quiet).index(items(2), { signal: abort.signal })).rejects.toBeInstanceOf(RetryAbortedError);
  });
});
