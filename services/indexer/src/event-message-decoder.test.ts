import type { IHeaders, KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { eventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { toEventDocument } from '../../../shared/elasticsearch/event-document.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { toKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import { sampleEvent } from '../../../test/support/sample-event.js';
import { bulkBody, type BulkItem } from './bulk-item.js';
import { decodeEventMessage, DecodeFailure } from './event-message-decoder.js';

const names = eventIndexNames('unit');
const now = new Date('2026-11-26T12:00:00.000Z');

/** A record-batch message (with headers) as kafkajs hands it over. */
type RecordMessage = Extract<KafkaMessage, { headers: IHeaders }>;

/** A message as kafkajs hands it over (key, value and headers as Buffers), with `value` the given JSON text. */
function kafkaMessage(input: Record<string, unknown>, value = JSON.stringify(input)): RecordMessage {
  const event = parseAuthEvent(input);
  const message = toKafkaMessage({ id: event.txid, accountId: event.account_id, eventType: event.event_type, time: event.timestamp, schemaVersion: 1 }, value);
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([key, header]) => [key, Buffer.from(String(header))]));
  return { key: Buffer.from(event.account_id), value: Buffer.from(value), headers, offset: '7', timestamp: '0', attributes: 0 };
}

function decoded(message: KafkaMessage): BulkItem<null> {
  const result = decodeEventMessage(message, names, null);
  if (result instanceof DecodeFailure) throw new Error(`unexpected ${result.reason}: ${result.error}`);
  return result;
}

function failure(message: KafkaMessage): DecodeFailure {
  const result = decodeEventMessage(message, names, null);
  if (!(result instanceof DecodeFailure)) throw new Error('expected a DecodeFailure');
  return result;
}

const documentOf = (item: BulkItem<null>) => JSON.parse(bulkBody([item], now).toString('utf8').split('\n')[1]!) as unknown;

describe('decodeEventMessage', () => {
  it('indexes a canonical value as its own bytes, with indexed_at spliced in', () => {
    const event = parseAuthEvent(sampleEvent({ user: { key: 'DU1', name: 'Zoë Ünal', groups: [] } }));
    const message = kafkaMessage({ ...event });
    const item = decoded(message);
    expect(item.source).toBe(message.value);
    expect([item.index, item.id, item.routing]).toEqual(['unit-events-2026.11', event.txid, event.account_id]);
    const body = bulkBody([item], now);
    const action = JSON.stringify({ index: { _index: 'unit-events-2026.11', _id: event.txid, routing: event.account_id } });
    expect(body.toString('utf8')).toBe(`${action}\n${message.value!.toString('utf8').slice(0, -1)},"indexed_at":"2026-11-26T12:00:00.000Z"}\n`);
    expect(documentOf(item)).toEqual(toEventDocument(event, now));
  });

  it('serialises again a valid value that parseAuthEvent normalises, one on several lines, or one with trailing spaces kept as bytes', () => {
    const event = parseAuthEvent(sampleEvent());
    const withOffset = decoded(kafkaMessage({ ...event, timestamp: '2026-11-26T11:00:00+01:00' }));
    expect(typeof withOffset.source).toBe('string');
    expect(documentOf(withOffset)).toEqual(toEventDocument({ ...event, timestamp: '2026-11-26T10:00:00.000Z' }, now));

    const pretty = decoded(kafkaMessage({ ...event }, JSON.stringify(event, null, 2)));
    expect(typeof pretty.source).toBe('string');
    expect(bulkBody([pretty], now).toString('utf8').split('\n')).toHaveLength(3);
    expect(documentOf(pretty)).toEqual(toEventDocument(event, now));

    const spaced = decoded(kafkaMessage({ ...event }, `${JSON.stringify(event)}  \r`));
    expect(Buffer.isBuffer(spaced.source)).toBe(true);
    expect(documentOf(spaced)).toEqual(toEventDocument(event, now));
    expect(spaced.bytes).toBeGreaterThanOrEqual(bulkBody([spaced], now).length);
  });

  it('keeps every dead-letter reason: headers, JSON, validation, ids', () => {
    const event = parseAuthEvent(sampleEvent());
    const message = kafkaMessage({ ...event });
    const { ce_id: _id, ...withoutId } = message.headers!;
    expect(failure({ ...message, headers: withoutId })).toMatchObject({ reason: 'MALFORMED_CLOUD_EVENT', error: 'Kafka message at offset 7 lacks header ce_id' });
    expect(failure({ ...message, headers: { ...message.headers, ce_time: Buffer.alloc(0) } }).reason).toBe('MALFORMED_CLOUD_EVENT');
    expect(failure({ ...message, value: null }).reason).toBe('MALFORMED_CLOUD_EVENT');
    expect(failure({ ...message, value: Buffer.from('{"txid": "half') }).reason).toBe('INVALID_JSON');
    const invalid = failure(kafkaMessage({ ...event }, JSON.stringify({ ...event, result: 'maybe' })));
    expect(invalid.reason).toBe('VALIDATION_FAILED');
    expect(invalid.error).toMatch(/result: one of the 3 results/);
    expect(failure({ ...message, headers: { ...message.headers, ce_id: Buffer.from('not-the-txid') } })).toMatchObject({
      reason: 'ID_MISMATCH',
      error: `header ce_id not-the-txid differs from the event's txid ${event.txid}`,
    });
  });

  it("refuses a key that is not the event's account_id (the routing), and falls back to ce_source without a key", () => {
    const event = parseAuthEvent(sampleEvent());
    const message = kafkaMessage({ ...event });
    expect(failure({ ...message, key: Buffer.from('acct_other') })).toMatchObject({ reason: 'ID_MISMATCH', error: `message key acct_other differs from the event's account_id ${event.account_id}` });
    expect(decoded({ ...message, key: null }).routing).toBe(event.account_id);
    const elsewhere = { ...message, key: null, headers: { ...message.headers, ce_source: Buffer.from('/authlog/accounts/acct_other') } };
    expect(failure(elsewhere).reason).toBe('ID_MISMATCH');
  });

  it('compares ids as UTF-8, not byte for byte against char codes', () => {
    const event = parseAuthEvent(sampleEvent({ account_id: 'acct_e' }));
    const message = kafkaMessage({ ...event });
    // 0xE9 is "é" in Latin-1 but not UTF-8: it must not match anything.
    expect(failure({ ...message, key: Buffer.from([0x61, 0x63, 0x63, 0x74, 0x5f, 0xe9]) }).reason).toBe('ID_MISMATCH');
    expect(decoded({ ...message, headers: { ...message.headers, ce_id: event.txid } }).id).toBe(event.txid);
  });
});
