import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { AuthEvent } from '../shared/event/auth-event.js';
import { eventAttributes, toKafkaMessage } from '../shared/kafka/cloud-event.js';

/** A record-batch message (with headers) as kafkajs hands it to a consumer. */
export type ConsumedMessage = Extract<KafkaMessage, { headers: IHeaders }>;

/** `message` as a consumer receives it: key, value and header values as Buffers, at `offset`. */
export function asConsumed(message: Message, offset = 0, timestamp = Date.now()): ConsumedMessage {
  const bytes = (value: Message['value']) => (value === null || value === undefined ? null : Buffer.from(value));
  const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([name, value]) => [name, Buffer.from(String(value))]));
  return { key: bytes(message.key ?? null), value: bytes(message.value), headers, offset: String(offset), timestamp: String(timestamp), attributes: 0 };
}

/** The message the relay publishes for `event` (value: `value`, its JSON by default), as a consumer receives it. */
export function consumedEvent(event: AuthEvent, options: { value?: string; offset?: number; timestamp?: number } = {}): ConsumedMessage {
  return asConsumed(toKafkaMessage(eventAttributes(event), options.value ?? JSON.stringify(event)), options.offset ?? 0, options.timestamp);
}
