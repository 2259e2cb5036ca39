import type { IHeaders, KafkaMessage } from 'kafkajs';

/** Where a consumed message came from: enough to dead-letter it. */
export interface KafkaOrigin {
  readonly topic: string;
  readonly partition: number;
  readonly message: KafkaMessage;
}

/** A message a consumer gives up on: where it was, what it was (byte for byte), and why. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: IHeaders | undefined;
  /** Stable code (see DEAD_LETTER_HEADERS.reason). */
  readonly reason: string;
  readonly error: string;
}

export function deadLetterOf(origin: KafkaOrigin, reason: string, error: string): DeadLetter {
  const { message } = origin;
  return {
    topic: origin.topic,
    partition: origin.partition,
    offset: message.offset,
    timestamp: message.timestamp,
    key: message.key,
    value: message.value,
    headers: message.headers,
    reason,
    error,
  };
}
