import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import type { AuthEvent } from '../event/auth-event.js';
import { parseAuthEvent } from '../event/parse-auth-event.js';
import { consumedEvent } from '../../testing/consumed-message.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { DecodeFailure } from './decode-failure.js';
import { decodeEventKeys, decodeEventMessage } from './event-message-decoder.js';

interface Decoded {
  readonly event: AuthEvent;
  readonly raw: Buffer | undefined;
  readonly type: string;
  readonly context: string;
}

const keep = (event: AuthEvent, raw: Buffer | undefined, type: string, context: string): Decoded => ({ event, raw, type, context });

/** A message as kafkajs hands it over, with `value` the given JSON text (the event's by default). */
const kafkaMessage = (input: Record<string, unknown>, value = JSON.stringify(input)) => consumedEvent(parseAuthEvent(input), { offset: 7, timestamp: 0, value });

function decoded(message: KafkaMessage): Decoded {
  const result = decodeEventMessage(message, keep, 'ctx');
  if (result instanceof DecodeFailure) throw new Error(`unexpected ${result.reason}: ${result.error}`);
  return result;
}

function failure(message: KafkaMessage): DecodeFailure {
  const result = decodeEventMessage(message, keep, 'ctx');
  if (!(result instanceof DecodeFailure)) throw new Error('expected a DecodeFailure');
  return result;
}

describe('decodeEventMessage (every consumer of the events topic)', () => {
  it('hands over a canonical value as its own bytes, with the ce_type unchanged and the caller context', () => {
    const event = parseAuthEvent(sampleEvent({ user: { key: 'DU1', name: 'Zoë Ünal', groups: [] } }));
    const message = kafkaMessage({ ...event });
    const result = decoded(message);
    expect(result.raw).toBe(message.value);
    expect(result.event).toEqual(event);
    expect(result.type).toBe('authlog.authentication');
    expect(result.context).toBe('ctx');
    expect(decoded(kafkaMessage({ ...event, event_type: 'enrollment' })).type).toBe('authlog.enrollment');
  });

  it('gives no raw bytes for a valid value that parseAuthEvent normalises, one on several lines, or one that is not UTF-8', () => {
    const event = parseAuthEvent(sampleEvent());
    const withOffset = decoded(kafkaMessage({ ...event, timestamp: '2026-11-26T11:00:00+01:00' }));
    expect(withOffset.raw).toBeUndefined();
    expect(withOffset.event.timestamp).toBe('2026-11-26T10:00:00.000Z');

    const pretty = decoded(kafkaMessage({ ...event }, JSON.stringify(event, null, 2)));
    expect(pretty.raw).toBeUndefined();
    expect(pretty.event).toEqual(event);

    const message = kafkaMessage({ ...event });
    const latin1 = Buffer.from(JSON.stringify({ ...event, user: { ...event.user, name: 'Zoë' } }), 'latin1');
    expect(decoded({ ...message, value: latin1 }).raw).toBeUndefined();

    const spaced = decoded(kafkaMessage({ ...event }, `${JSON.stringify(event)}  \r`));
    expect(Buffer.isBuffer(spaced.raw)).toBe(true);
  });

  it('keeps every dead-letter reason: headers, JSON, validation, ids, type', () => {
    const event = parseAuthEvent(sampleEvent());
    const message = kafkaMessage({ ...event });
    const { ce_id: _id, ...withoutId } = message.headers;
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
    // The type travels as it is into webhooks, so it must be the event's.
    expect(failure({ ...message, headers: { ...message.headers, ce_type: Buffer.from('authlog.enrollment') } })).toMatchObject({
      reason: 'TYPE_MISMATCH',
      error: 'header ce_type authlog.enrollment differs from the event\'s type authlog.authentication',
    });
    expect(failure({ ...message, headers: { ...message.headers, ce_type: Buffer.from('authentication') } }).reason).toBe('TYPE_MISMATCH');
  });

  it("refuses a key that is not the event's account_id (the routing), and falls back to ce_source without a key", () => {
    const event = parseAuthEvent(sampleEvent());
    const message = kafkaMessage({ ...event });
    expect(failure({ ...message, key: Buffer.from('acct_other') })).toMatchObject({ reason: 'ID_MISMATCH', error: `message key acct_other differs from the event's account_id ${event.account_id}` });
    expect(decoded({ ...message, key: null }).event.account_id).toBe(event.account_id);
    const elsewhere = { ...message, key: null, headers: { ...message.headers, ce_source: Buffer.from('/authlog/accounts/acct_other') } };
    expect(failure(elsewhere).reason).toBe('ID_MISMATCH');
  });

  it('compares ids as UTF-8, not byte for byte against char codes', () => {
    const event = parseAuthEvent(sampleEvent({ account_id: 'acct_e' }));
    const message = kafkaMessage({ ...event });
    // 0xE9 is "é" in Latin-1 but not UTF-8: it must not match anything.
    expect(failure({ ...message, key: Buffer.from([0x61, 0x63, 0x63, 0x74, 0x5f, 0xe9]) }).reason).toBe('ID_MISMATCH');
    expect(decoded({ ...message, headers: { ...message.headers, ce_id: event.txid } }).event.txid).toBe(event.txid);
  });
});

describe('decodeEventKeys (the indexer: routing fields and bytes, no parse for what the relay writes)', () => {
  it('answers every message exactly as decodeEventMessage does: the same failures, the same fields, the bytes or the event', () => {
    const event = parseAuthEvent(sampleEvent());
    const message = kafkaMessage({ ...event });
    const { ce_id: _id, ...withoutId } = message.headers;
    const variants: KafkaMessage[] = [
      message,
      kafkaMessage({ ...event, event_type: 'enrollment' }),
      kafkaMessage({ ...event, auth_device: { name: 'phone', ip: '2001:db8::1', location: { city: null, state: null, country: null } } }),
      kafkaMessage(sampleEvent({ user: { key: 'DU1', name: 'Zoë Ünal', groups: [] } })),
      kafkaMessage({ ...event, timestamp: '2026-11-26T11:00:00+01:00' }),
      kafkaMessage({ ...event }, JSON.stringify(event, null, 2)),
      kafkaMessage({ ...event }, `${JSON.stringify(event)}  \r`),
      { ...message, value: Buffer.from(JSON.stringify({ ...event, user: { ...event.user, name: 'Zoë' } }), 'latin1') },
      { ...message, headers: withoutId },
      { ...message, headers: { ...message.headers, ce_time: Buffer.alloc(0) } },
      { ...message, value: null },
      { ...message, value: Buffer.from('{"txid": "half') },
      kafkaMessage({ ...event }, JSON.stringify({ ...event, result: 'maybe' })),
      { ...message, headers: { ...message.headers, ce_id: Buffer.from('not-the-txid') } },
      { ...message, headers: { ...message.headers, ce_type: Buffer.from('authlog.enrollment') } },
      { ...message, key: Buffer.from('acct_other') },
      { ...message, key: null },
      { ...message, key: null, headers: { ...message.headers, ce_source: Buffer.from('/authlog/accounts/acct_other') } },
      { ...message, headers: { ...message.headers, ce_id: event.txid } },
    ];
    for (const variant of variants) {
      const full = decodeEventMessage(variant, keep, 'ctx');
      const keys = decodeEventKeys(variant, (fields, source, type, context) => ({ fields, source, type, context }), 'ctx');
      if (full instanceof DecodeFailure) {
        expect(keys).toEqual(full);
        continue;
      }
      if (keys instanceof DecodeFailure) throw new Error(`decodeEventKeys refused what decodeEventMessage accepts: ${keys.reason}`);
      const { account_id, txid, timestamp, event_type } = full.event;
      // On the full path the fields are the whole event: compare the four the indexer reads.
      const { fields } = keys;
      expect({ account_id: fields.account_id, txid: fields.txid, timestamp: fields.timestamp, event_type: fields.event_type }).toEqual({ account_id, txid, timestamp, event_type });
      expect(keys.type).toBe(full.type);
      expect(keys.context).toBe('ctx');
      if (full.raw === undefined) expect(keys.source).toEqual(full.event);
      else expect(keys.source).toBe(full.raw);
    }
  });
});
