import type { Message } from 'kafkajs';
import { cloudEventType, toKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import type { OutboxRecord } from './outbox-record.js';

/**
 * The Kafka message of an outbox row: CloudEvents 1.0 binary mode (shared/kafka/cloud-event.ts),
 * key = account, value = the stored event JSON passed through byte for byte. Everything the headers
 * need comes from columns (outbox, authlog.txid, authlog.occurred_at): the payload is never parsed.
 */
export function toOutboxMessage(record: Omit<OutboxRecord, 'authlogId'> & { readonly payload: Buffer }): Message {
  return toKafkaMessage(
    {
      id: record.txid,
      accountId: record.accountId,
      type: cloudEventType(record.eventType),
      time: record.occurredAt.toISOString(),
      schemaVersion: record.schemaVersion,
      traceparent: record.traceparent,
      tracestate: record.tracestate,
    },
    record.payload,
  );
}

/** Bytes a message adds to a produce request (key, value, headers and per-record overhead), for request sizing. */
export function messageBytes(message: Message): number {
  let bytes = 24 + byteLength(message.key) + byteLength(message.value);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    bytes += 4 + Buffer.byteLength(name) + (Array.isArray(value) ? value.reduce((sum: number, item) => sum + byteLength(item), 0) : byteLength(value));
  }
  return bytes;
}

function byteLength(value: string | Buffer | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
