import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { toEventDocument } from '../../../shared/elasticsearch/event-document.js';
import { eventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { consumedEvent } from '../../../testing/consumed-message.js';
import { sampleEvent } from '../../../testing/sample-event.js';
import { bulkBody, type BulkItem } from './bulk-item.js';
import { MessageBatch } from './message-batch.js';

const names = eventIndexNames('unit');
const now = new Date('2026-11-26T12:00:00.000Z');
const limits = { maxDocs: 100, maxBytes: 10_000_000, maxDocumentBytes: 100_000 };
const documentOf = (item: BulkItem<unknown>) => JSON.parse(bulkBody([item], now).toString('utf8').split('\n')[1]!) as unknown;

/** The one bulk item a message becomes (it must not be dead-lettered). */
function itemOf(message: KafkaMessage): BulkItem<unknown> {
  const batch = new MessageBatch('t', names, limits);
  batch.add(0, message);
  if (batch.items.length !== 1) throw new Error(`dead-lettered: ${batch.deadLetters[0]?.error}`);
  return batch.items[0]!;
}

function kafkaMessage(offset: number, overrides: Partial<KafkaMessage> = {}): KafkaMessage {
  return { ...consumedEvent(parseAuthEvent(sampleEvent()), { offset, timestamp: 0 }), ...overrides } as KafkaMessage;
}

describe('MessageBatch', () => {
  it('indexes a canonical value as its own bytes, with its Kafka position and indexed_at spliced in', () => {
    const event = parseAuthEvent(sampleEvent({ user: { key: 'DU1', name: 'Zoë Ünal', groups: [] } }));
    const message = consumedEvent(event, { offset: 123_456_789, timestamp: 1_796_670_882_529 });
    const item = itemOf(message);
    expect(item.source).toBe(message.value);
    expect([item.index, item.id, item.routing]).toEqual(['unit-events-2026.11', event.txid, event.account_id]);
    const action = JSON.stringify({ index: { _index: 'unit-events-2026.11', _id: event.txid, routing: event.account_id } });
    const position = `"kafka":{"partition":0,"offset":"${message.offset}","timestamp":"1796670882529"}`;
    expect(bulkBody([item], now).toString('utf8')).toBe(`${action}\n${message.value!.toString('utf8').slice(0, -1)},${position},"indexed_at":"2026-11-26T12:00:00.000Z"}\n`);
    expect(documentOf(item)).toEqual(toEventDocument(event, now, { partition: 0, offset: message.offset, timestamp: '1796670882529' }));
    expect(item.bytes).toBe(bulkBody([item], now).length);
  });

  it('serialises again a valid value that parseAuthEvent normalises, or one on several lines; keeps trailing spaces as bytes', () => {
    const event = parseAuthEvent(sampleEvent());
    const at = { partition: 0, offset: '0', timestamp: '7' };
    const withOffset = itemOf(consumedEvent(event, { value: JSON.stringify({ ...event, timestamp: '2026-11-26T11:00:00+01:00' }), timestamp: 7 }));
    expect(typeof withOffset.source).toBe('string');
    expect(documentOf(withOffset)).toEqual(toEventDocument({ ...event, timestamp: '2026-11-26T10:00:00.000Z' }, now, at));

    const pretty = itemOf(consumedEvent(event, { value: JSON.stringify(event, null, 2), timestamp: 7 }));
    expect(typeof pretty.source).toBe('string');
    expect(bulkBody([pretty], now).toString('utf8').split('\n')).toHaveLength(3);
    expect(documentOf(pretty)).toEqual(toEventDocument(event, now, at));

    const spaced = itemOf(consumedEvent(event, { value: `${JSON.stringify(event)}  \r`, timestamp: 7 }));
    expect(Buffer.isBuffer(spaced.source)).toBe(true);
    expect(documentOf(spaced)).toEqual(toEventDocument(event, now, at));
    expect(spaced.bytes).toBeGreaterThanOrEqual(bulkBody([spaced], now).length);
  });

  it('is full at maxDocs documents or maxBytes bytes, whichever comes first', () => {
    const byCount = new MessageBatch('t', names, { maxDocs: 3, maxBytes: 10_000_000, maxDocumentBytes: 100_000 });
    for (let offset = 0; offset < 3; offset += 1) {
      expect(byCount.isFull()).toBe(false);
      byCount.add(0, kafkaMessage(offset));
    }
    expect(byCount.isFull()).toBe(true);

    const byBytes = new MessageBatch('t', names, { maxDocs: 1_000, maxBytes: 1_500, maxDocumentBytes: 100_000 });
    byBytes.add(0, kafkaMessage(0));
    expect(byBytes.isFull()).toBe(false);
    byBytes.add(0, kafkaMessage(1));
    expect(byBytes.isFull()).toBe(true);
    expect(byBytes.bytes).toBe(byBytes.items.reduce((sum, item) => sum + item.bytes, 0));
  });

  it('tracks the next offset per partition for every message, dead letters included', () => {
    const batch = new MessageBatch('t', names, limits);
    batch.add(0, kafkaMessage(4));
    batch.add(1, kafkaMessage(9, { value: Buffer.from('not json') }));
    batch.add(0, kafkaMessage(5));
    expect(batch.items).toHaveLength(2);
    expect(batch.deadLetters.map((letter) => [letter.partition, letter.offset, letter.reason])).toEqual([[1, '9', 'INVALID_JSON']]);
    expect([...batch.nextOffsets]).toEqual([
      [0, 6n],
      [1, 10n],
    ]);
    expect(batch.messages).toBe(3);
  });

  it('dead-letters a document bigger than maxDocumentBytes instead of sending it', () => {
    const batch = new MessageBatch('t', names, { maxDocs: 100, maxBytes: 10_000_000, maxDocumentBytes: 500 });
    batch.add(0, kafkaMessage(0));
    expect(batch.items).toHaveLength(0);
    expect(batch.deadLetters[0]?.reason).toBe('DOCUMENT_TOO_LARGE');
  });

  it('counts the linger time from the first message, not from when the batch was opened', async () => {
    const batch = new MessageBatch('t', names, { maxDocs: 100, maxBytes: 10_000_000, maxDocumentBytes: 100_000 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(batch.ageMs()).toBe(0);
    batch.add(0, kafkaMessage(0));
    expect(batch.ageMs()).toBeLessThan(25);
  });
});
