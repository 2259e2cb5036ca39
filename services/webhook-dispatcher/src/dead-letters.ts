import type { KafkaMessage, Producer } from 'kafkajs';

export interface DeadLetter {
  readonly message: KafkaMessage;
  readonly error: Error & { code?: string };
}

/**
 * Events the dispatcher cannot deliver (malformed, oversized, key and body disagreeing) go to a
 * dead-letter topic with the reason in headers, instead of blocking the partition or vanishing.
 * The original key, value and CloudEvents headers are kept, so an operator can fix and replay them.
 */
export class DeadLetters {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
  ) {}

  async send(source: { topic: string; partition: number }, letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: letters.map(({ message, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...message.headers,
          dlq_source_topic: source.topic,
          dlq_source_partition: String(source.partition),
          dlq_source_offset: message.offset,
          dlq_error_code: error.code ?? error.name,
          dlq_error_message: error.message.slice(0, 1_000),
          dlq_consumer: 'webhook-dispatcher',
        },
      })),
    });
  }
}
