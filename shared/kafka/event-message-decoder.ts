import { isUtf8 } from 'node:buffer';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { AuthEvent } from '../event/auth-event.js';
import { isCanonicalAuthEvent } from '../event/canonical-event.js';
import { scanCanonicalEvent, type EventKeys } from '../event/canonical-event-bytes.js';
import { parseAuthEvent } from '../event/parse-auth-event.js';
import { EVENT_TYPES } from '../event/vocabulary.js';
import { AuthlogError } from '../errors/authlog-error.js';
import { cloudEventType, fromKafkaMessage } from './cloud-event.js';
import { DecodeFailure } from './decode-failure.js';

/**
 * What a consumer makes of a valid event, called once per message with:
 * - `event`: the validated event (parseAuthEvent's output, or the parsed value when already canonical);
 * - `raw`: the value's own bytes when they are exactly that event as one line of UTF-8 JSON (the
 *   hot path: index or send them as they are), else undefined (serialise `event` instead);
 * - `type`: the ce_type, checked against the event (authlog.authentication);
 * - `context`: whatever the caller passed, so no closure is built per message.
 */
export type EventMessageHandler<Context, Result> = (event: AuthEvent, raw: Buffer | undefined, type: string, context: Context) => Result;

const SOURCE_PREFIX = '/authlog/accounts/';
const NEWLINE = 0x0a;
/** ce_type of each event_type, built once: compared as bytes and handed on without a new string per message. */
const TYPES: ReadonlyMap<string, string> = new Map(EVENT_TYPES.map((eventType) => [eventType, cloudEventType(eventType)]));

/**
 * A Kafka message of the events topic, checked the way the producer promised to write it, for every
 * consumer of the topic (the indexer and the webhook dispatcher accept and refuse exactly the same
 * messages). Anything else is a DecodeFailure, which the caller dead-letters. In order:
 * - the CloudEvents headers ce_type, ce_id, ce_time, ce_schemaversion and the key (else ce_source)
 *   are there (MALFORMED_CLOUD_EVENT, also for a message without a value);
 * - the value is JSON (INVALID_JSON);
 * - it is a valid event (VALIDATION_FAILED): on the hot path isCanonicalAuthEvent, which accepts
 *   only what parseAuthEvent would return unchanged; anything else goes through parseAuthEvent,
 *   which refuses it with zod's message or normalises it;
 * - ce_id is the txid and the key (or ce_source) names the event's account_id (ID_MISMATCH);
 * - ce_type is the event's type, authlog.<event_type> (TYPE_MISMATCH): consumers pass it on as it is.
 * The hot path allocates no intermediate objects: headers are compared as bytes, and the result is
 * whatever `handle` builds from the event and the value's own bytes.
 */
export function decodeEventMessage<Context, Result>(message: KafkaMessage, handle: EventMessageHandler<Context, Result>, context: Context): Result | DecodeFailure {
  const { headers, key, value } = message;
  if (value === null || !hasEnvelope(headers, key)) return malformed(message);
  let json: unknown;
  try {
    json = JSON.parse(value.toString('utf8'));
  } catch (error) {
    return new DecodeFailure('INVALID_JSON', `value is not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  let event: AuthEvent;
  let raw: Buffer | undefined;
  if (isCanonicalAuthEvent(json)) {
    event = json;
    // A value on several lines would break an NDJSON body, and one that is not UTF-8 was read
    // with replacement characters: those few are serialised again, like a normalised event.
    if (value.indexOf(NEWLINE) === -1 && isUtf8(value)) raw = value;
  } else {
    try {
      event = parseAuthEvent(json);
    } catch (error) {
      return rejected(error);
    }
  }
  const type = envelopeType(message, event);
  return type instanceof DecodeFailure ? type : handle(event, raw, type, context);
}

/**
 * What a consumer that needs only an event's routing fields and its JSON makes of a valid event:
 * `source` is the value's own bytes when they are the event as one line of UTF-8 JSON (index or
 * send them as they are), else the validated event (serialise it).
 */
export type EventKeysHandler<Context, Result> = (keys: EventKeys, source: Buffer | AuthEvent, type: string, context: Context) => Result;

/**
 * decodeEventMessage for a consumer that needs only the routing fields and the JSON (the indexer):
 * the same checks, the same answers and dead-letter reasons for every message, but a value written
 * exactly as the relay writes it is recognised from its bytes (scanCanonicalEvent) instead of
 * being parsed into objects and checked (JSON.parse is most of the decoding cost). Anything else
 * takes decodeEventMessage's full path.
 */
export function decodeEventKeys<Context, Result>(message: KafkaMessage, handle: EventKeysHandler<Context, Result>, context: Context): Result | DecodeFailure {
  const { headers, key, value } = message;
  if (value !== null && hasEnvelope(headers, key)) {
    const keys = scanCanonicalEvent(value);
    if (keys !== undefined) {
      const type = envelopeType(message, keys);
      return type instanceof DecodeFailure ? type : handle(keys, value, type, context);
    }
  }
  return decodeEventMessage(message, fullPath<Context, Result>, { handle, context });
}

function fullPath<Context, Result>(event: AuthEvent, raw: Buffer | undefined, type: string, outer: { handle: EventKeysHandler<Context, Result>; context: Context }): Result {
  return outer.handle(event, raw ?? event, type, outer.context);
}

/** The CloudEvents headers every message must carry, and a key (or else ce_source). */
function hasEnvelope(headers: IHeaders | undefined, key: Buffer | null): boolean {
  return hasHeader(headers, 'ce_type') && hasHeader(headers, 'ce_id') && hasHeader(headers, 'ce_time') && hasHeader(headers, 'ce_schemaversion') && (key !== null || hasHeader(headers, 'ce_source'));
}

/**
 * The message's envelope names this event: ce_id is the txid and the key (or ce_source) the
 * account (ID_MISMATCH), and ce_type is the event's type (TYPE_MISMATCH). Returns that type.
 */
function envelopeType(message: KafkaMessage, event: EventKeys): string | DecodeFailure {
  const { headers, key } = message;
  if (!headerEquals(headers?.ce_id, event.txid)) {
    return new DecodeFailure('ID_MISMATCH', `header ce_id ${headerText(headers?.ce_id)} differs from the event's txid ${event.txid}`);
  }
  if (key === null ? headerText(headers?.ce_source) !== SOURCE_PREFIX + event.account_id : !bytesEqual(key, event.account_id)) {
    const account = key === null ? `header ce_source ${headerText(headers?.ce_source)}` : `key ${key.toString('utf8')}`;
    return new DecodeFailure('ID_MISMATCH', `message ${account} differs from the event's account_id ${event.account_id}`);
  }
  const type = TYPES.get(event.event_type) ?? cloudEventType(event.event_type);
  if (!headerEquals(headers?.ce_type, type)) {
    return new DecodeFailure('TYPE_MISMATCH', `header ce_type ${headerText(headers?.ce_type)} differs from the event's type ${type}`);
  }
  return type;
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
 * Whether `bytes` decode to `text`. Ids, accounts and types are ASCII (the schema's identifiers),
 * so a byte-for-byte match decides without decoding; anything else is decoded and compared.
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
