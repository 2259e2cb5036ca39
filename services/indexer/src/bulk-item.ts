import type { AuthEvent } from '../../../shared/event/auth-event.js';
import { monthlyIndexFor, type EventIndexNames } from '../../../shared/elasticsearch/event-index.js';

/**
 * One document ready for a _bulk request, with `origin` saying where it came from (a Kafka message,
 * an Authlog row) so a rejection can be reported against it.
 *
 * The document is toEventDocument(event, now): the event's own JSON plus `indexed_at`. The JSON is
 * serialised once, here, without its closing brace, and `indexed_at` is appended when the request
 * is sent: a bulk retried for a minute still records when it was actually written.
 */
export interface BulkItem<Origin> {
  readonly index: string;
  /** Elasticsearch _id: the event's txid, so a replay or a duplicate overwrites the same document. */
  readonly id: string;
  /** Routing: the customer account, so an account's documents live in one shard. */
  readonly routing: string;
  readonly action: string;
  readonly sourceWithoutEnd: string;
  /** NDJSON bytes of both lines (indexed_at included), for the bulk's byte bound. */
  readonly bytes: number;
  readonly origin: Origin;
}

/** `,"indexed_at":"2026-11-26T12:00:00.000Z"}` */
const INDEXED_AT_BYTES = 41;

export function toBulkItem<Origin>(names: EventIndexNames, event: AuthEvent, origin: Origin): BulkItem<Origin> {
  const index = monthlyIndexFor(names, event.timestamp);
  // Same bytes as JSON.stringify({ index: { _index, _id, routing } }), without the temporary objects.
  const action = `{"index":{"_index":${JSON.stringify(index)},"_id":${JSON.stringify(event.txid)},"routing":${JSON.stringify(event.account_id)}}}`;
  const source = JSON.stringify(event);
  const sourceWithoutEnd = source.slice(0, -1);
  return {
    index,
    id: event.txid,
    routing: event.account_id,
    action,
    sourceWithoutEnd,
    bytes: Buffer.byteLength(action) + Buffer.byteLength(sourceWithoutEnd) + INDEXED_AT_BYTES + 2,
    origin,
  };
}

/** The two NDJSON lines of the items, with `indexed_at` set to `now`. */
export function bulkLines(items: readonly BulkItem<unknown>[], now: Date): string[] {
  const indexedAt = `,"indexed_at":${JSON.stringify(now.toISOString())}}`;
  const lines = new Array<string>(items.length * 2);
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i]!;
    lines[2 * i] = item.action;
    lines[2 * i + 1] = item.sourceWithoutEnd + indexedAt;
  }
  return lines;
}
