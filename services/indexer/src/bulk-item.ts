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
  /** The event as one line of JSON (an object: it ends with `}`, maybe followed by spaces), without indexed_at. */
  readonly source: Buffer | string;
  /** NDJSON bytes of both lines (indexed_at included), for the bulk's byte bound; exact for string sources. */
  readonly bytes: number;
  readonly origin: Origin;
  /**
   * Where the event was read from Kafka, written into the document as `kafka` (lineage, issue 17);
   * undefined for documents not read from Kafka (backfill). The consumer's own KafkaOrigin is
   * passed as it is: no object per document.
   */
  readonly position?: KafkaPosition;
}

/** A Kafka message's place: kafkajs gives offset and timestamp as decimal strings. */
export interface KafkaPosition {
  readonly partition: number;
  readonly message: { readonly offset: string; readonly timestamp: string };
}

/** `,"indexed_at":"2026-11-26T12:00:00.000Z"}` */
const INDEXED_AT_BYTES = 41;
/** `,"kafka":{"partition":` + `,"offset":"` + `","timestamp":"` + `"}`, around the three values. */
const POSITION_BYTES = 22 + 11 + 15 + 2;
/** `","routing":"` between the two identifiers of the action line and `"}}` after them. */
const ACTION_END_BYTES = 16;
const CLOSING_BRACE = 0x7d;

/**
 * `event` is a valid event (parseAuthEvent, or isCanonicalAuthEvent): its txid and account_id are
 * the schema's identifiers, [A-Za-z0-9._:-], so they go into the action line as they are (no JSON
 * escaping, one byte per character). `source` defaults to the event serialised; the indexer passes
 * the Kafka value when it is the event's JSON already (one line, valid UTF-8, canonical).
 *
 * Nothing else is built per document: the item is what a bulk in flight keeps alive, and every
 * object it holds is copied by the garbage collector while the bulk waits.
 */
export function toBulkItem<Origin>(names: EventIndexNames, event: AuthEvent, origin: Origin, source: Buffer | string = JSON.stringify(event)): BulkItem<Origin> {
  return toSourceBulkItem(names, event, origin, source);
}

/** toBulkItem from the routing fields alone, for a source that is the event's JSON already (the indexer's hot path). */
export function toSourceBulkItem<Origin>(
  names: EventIndexNames,
  event: Pick<AuthEvent, 'timestamp' | 'txid' | 'account_id'>,
  origin: Origin,
  source: Buffer | string,
  position?: KafkaPosition,
): BulkItem<Origin> {
  const index = monthlyIndex(names, event.timestamp);
  const { txid, account_id: routing } = event;
  const sourceBytes = typeof source === 'string' ? Buffer.byteLength(source) : source.length;
  const actionBytes = actionStart(index).length + txid.length + routing.length + ACTION_END_BYTES;
  const bytes = actionBytes + sourceBytes - 1 + INDEXED_AT_BYTES + 2 + (position === undefined ? 0 : positionBytes(position));
  return position === undefined ? { index, id: txid, routing, source, bytes, origin } : { index, id: txid, routing, source, bytes, origin, position };
}

function positionBytes(position: KafkaPosition): number {
  return POSITION_BYTES + String(position.partition).length + position.message.offset.length + position.message.timestamp.length;
}

/**
 * The NDJSON body of a _bulk request, with `indexed_at` set to `now`: one buffer, written in place.
 * Per document: the action line (same bytes as JSON.stringify({ index: { _index, _id, routing } })),
 * then the source copied as it is, after which the cursor steps back onto its closing brace and the
 * indexed_at tail overwrites it. No per-document string is built; Kafka values are copied as bytes.
 * An item read from Kafka gets its position (`"kafka":{"partition":3,"offset":"42","timestamp":
 * "1765134000000"}`) written the same way, before the tail.
 */
export function bulkBody(items: readonly BulkItem<unknown>[], now: Date): Buffer {
  const tail = Buffer.from(`,"indexed_at":${JSON.stringify(now.toISOString())}}\n`, 'latin1');
  // Sized here, not from item.bytes: room for each source whole (the tail then overwrites its end),
  // exact for Buffers, 3 bytes per UTF-16 unit (the most UTF-8 needs) for strings.
  let size = 0;
  for (const item of items) {
    const { source } = item;
    size += actionStart(item.index).length + item.id.length + item.routing.length + ACTION_END_BYTES + 1;
    size += (typeof source === 'string' ? 3 * source.length : source.length) + tail.length;
    if (item.position !== undefined) size += positionBytes(item.position);
  }
  const body = Buffer.allocUnsafe(size);
  let at = 0;
  for (const item of items) {
    at += actionStart(item.index).copy(body, at);
    at += body.write(item.id, at, 'latin1');
    at += ROUTING.copy(body, at);
    at += body.write(item.routing, at, 'latin1');
    at += ACTION_END.copy(body, at);
    const start = at;
    const { source } = item;
    at += typeof source === 'string' ? body.write(source, at) : source.copy(body, at);
    do at -= 1;
    while (at > start && body[at] !== CLOSING_BRACE);
    if (at === start) throw new Error(`bulk item ${item.id}: its source is not a JSON object`);
    if (item.position !== undefined) at = writePosition(body, at, item.position);
    at += tail.copy(body, at);
  }
  return body.subarray(0, at);
}

/**
 * Offset and timestamp are kafkajs' decimal renderings of 64-bit integers (digits, maybe a minus
 * sign), so they go in as they are, quoted (a 64-bit offset does not fit a JSON number reader's double).
 */
function writePosition(body: Buffer, at: number, position: KafkaPosition): number {
  let cursor = at + POSITION_PARTITION.copy(body, at);
  cursor += body.write(String(position.partition), cursor, 'latin1');
  cursor += POSITION_OFFSET.copy(body, cursor);
  cursor += body.write(position.message.offset, cursor, 'latin1');
  cursor += POSITION_TIMESTAMP.copy(body, cursor);
  cursor += body.write(position.message.timestamp, cursor, 'latin1');
  return cursor + POSITION_END.copy(body, cursor);
}

const POSITION_PARTITION = Buffer.from(',"kafka":{"partition":', 'latin1');
const POSITION_OFFSET = Buffer.from(',"offset":"', 'latin1');
const POSITION_TIMESTAMP = Buffer.from('","timestamp":"', 'latin1');
const POSITION_END = Buffer.from('"}', 'latin1');
const ROUTING = Buffer.from('","routing":"', 'latin1');
const ACTION_END = Buffer.from('"}}\n', 'latin1');

/** Per index names, per month (YYYYMM): the index name, built once instead of per document. */
const monthlyIndices = new WeakMap<EventIndexNames, Map<number, string>>();

function monthlyIndex(names: EventIndexNames, timestamp: string): string {
  const month = yearMonth(timestamp);
  if (month < 0) return monthlyIndexFor(names, timestamp);
  let months = monthlyIndices.get(names);
  if (months === undefined) monthlyIndices.set(names, (months = new Map()));
  let index = months.get(month);
  if (index === undefined) {
    if (months.size >= 1_000) months.clear();
    index = monthlyIndexFor(names, timestamp);
    months.set(month, index);
  }
  return index;
}

/** YYYYMM of an ISO timestamp as a number (the part monthlyIndexFor reads), or -1 if those are not digits. */
function yearMonth(timestamp: string): number {
  const year = digitsAt(timestamp, 0, 4);
  const month = digitsAt(timestamp, 5, 2);
  return year < 0 || month < 0 ? -1 : year * 100 + month;
}

function digitsAt(text: string, start: number, length: number): number {
  let number = 0;
  for (let i = start; i < start + length; i += 1) {
    const digit = text.charCodeAt(i) - 0x30;
    if (!(digit >= 0 && digit <= 9)) return -1;
    number = number * 10 + digit;
  }
  return number;
}

/** `{"index":{"_index":"<index>","_id":"` per index name: a handful of months at a time. */
const actionStarts = new Map<string, Buffer>();

function actionStart(index: string): Buffer {
  let start = actionStarts.get(index);
  if (start === undefined) {
    if (actionStarts.size >= 1_000) actionStarts.clear();
    start = Buffer.from(`{"index":{"_index":${JSON.stringify(index)},"_id":"`);
    actionStarts.set(index, start);
  }
  return start;
}
