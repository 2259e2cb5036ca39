import type { Kafka, KafkaMessage } from 'kafkajs';
import { uniqueName } from './unique-name.js';

/** Reads `topic` from the beginning, in a group of its own, until `count` messages arrived (rejects after `timeoutMs`). */
export async function readMessages(kafka: Kafka, topic: string, count: number, timeoutMs = 20_000): Promise<KafkaMessage[]> {
  return (await readRecords(kafka, topic, count, timeoutMs)).map((record) => record.message);
}

/** readMessages with each message's partition (where a test checks where a message was written). */
export async function readRecords(kafka: Kafka, topic: string, count: number, timeoutMs = 20_000): Promise<{ partition: number; message: KafkaMessage }[]> {
  const consumer = kafka.consumer({ groupId: uniqueName('test-reader') });
  const received: { partition: number; message: KafkaMessage }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} of ${count} messages of ${topic} within ${timeoutMs} ms`)), timeoutMs);
      void consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            received.push({ partition, message });
            if (received.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return received;
}
