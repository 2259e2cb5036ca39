import type { KafkaMessage } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { eventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { toKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import { sampleEvent } from '../../../test/support/sample-event.js';
import { MessageBatch } from './message-batch.js';

const names = eventIndexNames('unit');

function kafkaMessage(offset: number, overrides: Partial<KafkaMessage> = {}): KafkaMessage {
  const event = parseAuthEvent(sampleEvent());
  const message = toKafkaMessage({ id: event.txid, accountId: event.account_id, eventType: event.event_type, time: event.timestamp, schemaVersion: 1 }, JSON.stringify(event));
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([key, value]) => [key, Buffer.from(String(value))]));
  return { key: Buffer.from(event.account_id), value: Buffer.from(String(message.value)), headers, offset: String(offset), timestamp: '0', attributes: 0, ...overrides } as KafkaMessage;
}

describe('MessageBatch', () => {
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
    const batch = new MessageBatch('t', names, { maxDocs: 100, maxBytes: 10_000_000, maxDocumentBytes: 100_000 });
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
