import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { eventAttributes, toKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import { DecodeFailure } from '../../../shared/kafka/decode-failure.js';
import { NO_FILTERS } from '../../../shared/webhooks/endpoint-filters.js';
import { sampleEvent } from '../../../testing/sample-event.js';
import type { RoutingEntry } from './endpoint-directory.js';
import { eventDelivery, matchingEndpoints, toRoutableEvent, type RoutableEvent } from './fan-out-plan.js';

const COMMITTED_AT = 1_700_000_000_000;

/** A message as kafkajs hands it to the consumer: Buffers, and the broker's timestamp. */
function consumed(value: string, overrides: Partial<ReturnType<typeof toKafkaMessage>> = {}): KafkaMessage {
  const event = parseAuthEvent(sampleEvent({ account_id: 'acct-1' }));
  const message = { ...toKafkaMessage(eventAttributes(event), value === '' ? JSON.stringify(event) : value), ...overrides };
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, header]) => [name, Buffer.from(String(header))]));
  return {
    key: message.key === null || message.key === undefined ? null : Buffer.from(String(message.key)),
    value: Buffer.from(String(message.value)),
    headers,
    timestamp: String(COMMITTED_AT),
    offset: '0',
    attributes: 0,
  };
}

function routable(): RoutableEvent {
  const event = toRoutableEvent(consumed(''), 262_144);
  if (event instanceof DecodeFailure) throw event;
  return event;
}

describe('fan-out plan', () => {
  it('reads a valid event into its webhook body, type unchanged, committed at the Kafka timestamp', () => {
    const event = routable();
    expect(event.accountId).toBe('acct-1');
    expect(event.createdAt).toBe(COMMITTED_AT);
    const body = JSON.parse(event.body) as { type: string; data: { txid: string } };
    expect(body.type).toBe(event.type);
    expect(body.data.txid).toBe(event.messageId);
  });

  it('refuses what the indexer refuses, and a body over the size limit, naming why', () => {
    const notJson = toRoutableEvent(consumed('{"not": "an event"'), 262_144);
    expect(notJson).toBeInstanceOf(DecodeFailure);
    const tooLarge = toRoutableEvent(consumed(''), 100);
    expect(tooLarge).toBeInstanceOf(DecodeFailure);
    expect((tooLarge as DecodeFailure).reason).toBe('WEBHOOK_BODY_TOO_LARGE');
    expect((tooLarge as DecodeFailure).error).toContain('WEBHOOK_MAX_BODY_BYTES');
  });

  it('routes an event only to its account\'s endpoints whose filters match and that existed when it was committed', () => {
    const event = routable();
    const entry = (id: string, createdAt: number, filters = NO_FILTERS): RoutingEntry => ({ id, createdAt, filters });
    const routes = new Map<string, RoutingEntry[]>([
      ['acct-1', [entry('older', COMMITTED_AT - 1), entry('same-ms', COMMITTED_AT), entry('younger', COMMITTED_AT + 1), entry('filtered', 0, { ...NO_FILTERS, event_types: ['no-such-type'] })]],
      ['acct-2', [entry('other-account', 0)]],
    ]);
    expect(matchingEndpoints(event, routes)).toEqual(['older', 'same-ms']);
    expect(matchingEndpoints({ ...event, accountId: 'acct-3' }, routes)).toEqual([]);
  });

  it('makes the job data of a first attempt: the event\'s id is the webhook-id, trigger event', () => {
    const event = routable();
    expect(eventDelivery(event, 'ep-1')).toEqual({
      messageId: event.messageId,
      endpointId: 'ep-1',
      accountId: 'acct-1',
      type: event.type,
      body: event.body,
      trigger: 'event',
      tracked: false,
      createdAt: COMMITTED_AT,
    });
  });
});
