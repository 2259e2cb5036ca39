import { isUtf8 } from 'node:buffer';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { AuthlogError } from '../../../shared/errors/authlog-error.js';
import type { AuthEvent } from '../../../shared/event/auth-event.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { fromKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import { toBulkItem, type BulkItem } from './bulk-item.js';
import { isCanonicalAuthEvent } from './canonical-event.js';

/** Why a message can never be indexed: `reason` a stable code, `error` what was wrong, for a human. */
export class DecodeFailure {
  constructor(
    readonly reason: string,
    readonly error: string,
  ) {}
}

const SOURCE_PREFIX = '/authlog/accounts/';
const NEWLINE = 0x0a;

/**
 * A Kafka message of the events topic, checked the way the producer promised to write it, and
 * turned into a bulk item. Anything else is not retried, since the same bytes fail the same way
 * forever: the caller dead-letters the DecodeFailure. In order:
 * - the CloudEvents headers ce_type, ce_id, ce_time, ce_schemaversion and the key (else ce_source)
 *   are there (MALFORMED_CLOUD_EVENT, also for a message without a value);
 * - the value is JSON (INVALID_JSON);
 * - it is a valid event (VALIDATION_FAILED): on the hot path isCanonicalAuthEvent, which accepts
 *   only what parseAuthEvent would return unchanged; anything else goes through parseAuthEvent,
 *   which refuses it with zod's message or normalises it;
 * - ce_id is the txid (the _id) and the key (or ce_source) names the event's account_id, the
 *   routing (ID_MISMATCH).
 * The hot path allocates no intermediate objects: headers are compared as bytes, and a canonical
 * value is indexed as its own bytes (bulkBody splices indexed_at in), never serialised again.
 */
export function decodeEventMessage<Origin>(message: KafkaMessage, names: EventIndexNames, origin: Origin): BulkItem<Origin> | DecodeFailure {
  const { headers, key, value } = message;
  if (value === null || !hasHeader(headers, 'ce_type') || !hasHeader(headers, 'ce_id') || !hasHeader(headers, 'ce_time') || !hasHeader(headers, 'ce_schemaversion') || (key === null && !hasHeader(headers, 'ce_source'))) {
    return malformed(message);
  }
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return new DecodeFailure('INVALID_JSON', `value is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  let event: AuthEvent;
  let source: Buffer | string | undefined;
  if (isCanonicalAuthEvent(json)) {
    event = json;
    // A value on several lines would break the NDJSON body, and one that is not UTF-8 was read
    // with replacement characters: those few are serialised again, like a normalised event.
    if (value.indexOf(NEWLINE) === -1 && isUtf8(value)) source = value;
  } else {
    try {
      event = parseAuthEvent(json);
    } catch (error) {
      return rejected(error);
    }
  }
  if (!headerEquals(headers?.ce_id, event.txid)) {
    return new DecodeFailure('ID_MISMATCH', `header ce_id ${headerText(headers?.ce_id)} differs from the event's txid ${event.txid}`);
  }
  if (key === null ? headerText(headers?.ce_source) !== SOURCE_PREFIX + event.account_id : !bytesEqual(key, event.account_id)) {
    const account = key === null ? `header ce_source ${headerText(headers?.ce_source)}` : `key ${key.toString('utf8')}`;
    return new DecodeFailure('ID_MISMATCH', `message ${account} differs from the event's account_id ${event.account_id}`);
  }
  return toBulkItem(names, event, origin, source);
}

type HeaderValue = IHeaders[string];

function firstValue(value: HeaderValue): Buffer | string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function hasHeader(headers: IHeaders | undefined, name: string): boolean {
  const value = firstValue(headers?.[name]);
  return value !== undefined && value.length > 0;
}

function headerText(value: HeaderValue): string {
  const first = firstValue(value);
  return first === undefined ? '' : first.toString();
}

function headerEquals(value: HeaderValue, text: string): boolean {
  const first = firstValue(value);
  if (first === undefined) return false;
  return typeof first === 'string' ? first === text : bytesEqual(first, text);
}

/**
 * Whether `bytes` decode to `text`. Ids and accounts are ASCII (the schema's identifiers), so a
 * byte-for-byte match decides without decoding; anything else is decoded and compared.
 */
function bytesEqual(bytes: Buffer, text: string): boolean {
  if (bytes.length === text.length) {
    let i = 0;
    // ASCII only: a byte above 0x7f equal to a char code would be Latin-1, not UTF-8.
    while (i < bytes.length && bytes[i]! < 0x80 && bytes[i] === text.charCodeAt(i)) i += 1;
    if (i === bytes.length) return true;
  }
  return bytes.toString('utf8') === text;
}

/** The headers or the value are missing: fromKafkaMessage says which, in the words it always has. */
function malformed(message: KafkaMessage): DecodeFailure {
  try {
    fromKafkaMessage(message);
  } catch (error) {
    return rejected(error);
  }
  return new DecodeFailure('MALFORMED_CLOUD_EVENT', `Kafka message at offset ${message.offset} lacks a required CloudEvents header or its value`);
}

function rejected(error: unknown): DecodeFailure {
  if (error instanceof AuthlogError) return new DecodeFailure(error.code, error.message);
  // Not one of ours: a bug in a parser, not a bad message. Still dead-letter it (never stall), loudly.
  return new DecodeFailure('DECODE_FAILED', error instanceof Error ? error.message : String(error));
}
