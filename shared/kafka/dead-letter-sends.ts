import type { IHeaders, Message } from 'kafkajs';
import { DEAD_LETTER_HEADERS } from './dead-letter-headers.js';

/**
 * Bytes a record takes in a record batch, rounded up: key, value, header names and values, plus the
 * most each varint length, delta and attribute can take. An estimate that errs on the large side,
 * so a send planned under a topic's max.message.bytes is not refused by it.
 */
export function recordBytes(message: Message): number {
  let bytes = RECORD_OVERHEAD + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) bytes += HEADER_OVERHEAD + Buffer.byteLength(name) + byteLength(item);
  }
  return bytes;
}

/** Per record: length, attributes, timestamp and offset deltas, key and value lengths, header count. */
const RECORD_OVERHEAD = 48;
/** Per header: name and value lengths. */
const HEADER_OVERHEAD = 10;
/** The record batch's own header (61 bytes in format v2), rounded up. */
export const BATCH_OVERHEAD = 128;

/**
 * Splits dead letters into sends that each fit `maxBytes` (the dead-letter topic's
 * max.message.bytes less the batch header): kafkajs puts all records of a partition into one batch,
 * and one account's letters share a partition, so a bulk of 1,000 rejected documents of one
 * account would otherwise be one batch of megabytes, refused by the broker again and again. A
 * letter too large alone is cut to fit (fitLetter). Order is kept; each send is a run of letters.
 */
export function planSends<Letter extends { readonly message: Message }>(letters: readonly Letter[], maxBytes: number): Letter[][] {
  const sends: Letter[][] = [];
  let current: Letter[] = [];
  let size = 0;
  for (const letter of letters) {
    const bytes = recordBytes(letter.message);
    if (current.length > 0 && size + bytes > maxBytes) {
      sends.push(current);
      current = [];
      size = 0;
    }
    current.push(letter);
    size += bytes;
  }
  if (current.length > 0) sends.push(current);
  return sends;
}

/**
 * A dead-letter message that fits `maxBytes`: unchanged when it does; otherwise its value is cut to
 * its first bytes and `authlog-dlq-truncated` says how large it was; if even an empty value does
 * not fit, the original headers are dropped as well (our `authlog-dlq-*` headers stay). A letter is
 * never refused for its size, so it is never retried forever.
 */
export function fitLetter(message: Message, maxBytes: number): Message {
  if (recordBytes(message) <= maxBytes) return message;
  const value = toBuffer(message.value);
  const original = value.length;
  const marked: Message = { ...message, headers: { ...message.headers, [DEAD_LETTER_HEADERS.truncated]: `value of ${original} bytes cut to fit` } };
  const room = maxBytes - (recordBytes(marked) - original);
  if (room >= 0) return { ...marked, value: value.subarray(0, room) };
  const ours: IHeaders = {};
  for (const [name, header] of Object.entries(message.headers ?? {})) if (name.startsWith('authlog-dlq-')) ours[name] = header;
  ours[DEAD_LETTER_HEADERS.truncated] = `value of ${original} bytes and the original headers dropped to fit`;
  const bare: Message = { ...message, headers: ours, value: Buffer.alloc(0) };
  return { ...bare, value: value.subarray(0, Math.max(0, maxBytes - recordBytes(bare))) };
}

function byteLength(value: string | Buffer | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}

function toBuffer(value: string | Buffer | null | undefined): Buffer {
  if (value === null || value === undefined) return Buffer.alloc(0);
  return typeof value === 'string' ? Buffer.from(value) : value;
}
