import type { AuthEvent } from '../../../shared/event/auth-event.js';
import { monthlyIndexFor, type EventIndexNames } from '../../../shared/elasticsearch/event-index.js';

/**
 * One document ready for a _bulk request, with `origin` saying where it came from (a Kafka message,
 * an Authlog row) so a rejection can be reported against it.
 *
 * The document is toEventDocument(event, now): the event's own JSON plus `indexed_at`, which is
 * spliced in before the closing brace when the request is built (bulkBody), so a bulk retried for
 * a minute still records when it was actually written. The JSON is either the Kafka value's own
 * bytes (the hot path: nothing is serialised again) or a serialisation of the event.
 */
export interface BulkItem<Origin> {
  readonly index: string;
  /** Elasticsearch _id: the event's txid, so a replay or a duplicate overwrites the same document. */
  readonly id: string;
  /** Routing: the customer account, so an account's documents live in one shard. */
  readonly routing: string;
  /** The action line, without its newline. */
  readonly action: string;
  /** The event as one line of JSON (an object: it ends with `}`, maybe followed by spaces), without indexed_at. */
  readonly source: Buffer | string;
  /** NDJSON bytes of both lines (indexed_at included), for the bulk's byte bound; exact for string sources. */
  readonly bytes: number;
  readonly origin: Origin;
}

/** `,"indexed_at":"2026-11-26T12:00:00.000Z"}` */
const INDEXED_AT_BYTES = 41;
const NEWLINE = 0x0a;
const CLOSING_BRACE = 0x7d;

/**
 * `event` is a valid event (parseAuthEvent, or isCanonicalAuthEvent): its txid and account_id are
 * the schema's identifiers, [A-Za-z0-9._:-], so they go into the action line without JSON escaping.
 * `source` defaults to the event serialised; the indexer passes the Kafka value when it is the
 * event's JSON already (one line, valid UTF-8, checked canonical by isCanonicalAuthEvent).
 */
export function toBulkItem<Origin>(names: EventIndexNames, event: AuthEvent, origin: Origin, source: Buffer | string = JSON.stringify(event)): BulkItem<Origin> {
  const index = monthlyIndexFor(names, event.timestamp);
  const start = actionStart(index);
  // Same bytes as JSON.stringify({ index: { _index, _id, routing } }), without the temporary objects.
  const action = `${start.text}"${event.txid}","routing":"${event.account_id}"}}`;
  const actionBytes = start.bytes + event.txid.length + event.account_id.length + ACTION_END_BYTES;
  const sourceBytes = typeof source === 'string' ? Buffer.byteLength(source) : source.length;
  return { index, id: event.txid, routing: event.account_id, action, source, bytes: actionBytes + sourceBytes - 1 + INDEXED_AT_BYTES + 2, origin };
}

/** `"`, `","routing":"` and `"}}` around the two identifiers. */
const ACTION_END_BYTES = 17;
/** `{"index":{"_index":"<index>","_id":` per index name: a handful of months at a time. */
const actionStarts = new Map<string, { readonly text: string; readonly bytes: number }>();

function actionStart(index: string): { readonly text: string; readonly bytes: number } {
  let start = actionStarts.get(index);
  if (start === undefined) {
    if (actionStarts.size >= 1_000) actionStarts.clear();
    const text = `{"index":{"_index":${JSON.stringify(index)},"_id":`;
    start = { text, bytes: Buffer.byteLength(text) };
    actionStarts.set(index, start);
  }
  return start;
}

/**
 * The NDJSON body of a _bulk request, with `indexed_at` set to `now`: one buffer, written in place
 * (each source is copied, then the cursor steps back onto its closing brace and the indexed_at
 * tail overwrites it). No per-document string is built, and Kafka values are copied as bytes.
 */
export function bulkBody(items: readonly BulkItem<unknown>[], now: Date): Buffer {
  const tail = Buffer.from(`,"indexed_at":${JSON.stringify(now.toISOString())}}\n`, 'latin1');
  let size = 0;
  for (const item of items) size += item.bytes + tail.length - INDEXED_AT_BYTES - 1;
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  for (const item of items) {
    at += body.write(item.action, at);
    body[at++] = NEWLINE;
    const start = at;
    const { source } = item;
    at += typeof source === 'string' ? body.write(source, at) : source.copy(body, at);
    do at -= 1;
    while (at > start && body[at] !== CLOSING_BRACE);
    if (at === start) throw new Error(`bulk item ${item.id}: its source is not a JSON object`);
    at += tail.copy(body, at);
  }
  return body.subarray(0, at);
}
