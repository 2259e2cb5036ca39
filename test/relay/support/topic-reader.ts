import { fromKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import type { Kafka } from 'kafkajs';
import { uniqueName } from '../../support/unique-name.js';

export interface ReceivedEvent {
  readonly id: string;
  readonly accountId: string;
  readonly partition: number;
  readonly offset: number;
  readonly headers: Record<string, string>;
  readonly value: Buffer;
}

/**
 * Every message of `topic`, read with a throwaway consumer group from the beginning until the
 * topic's end offsets (fetched first) are reached, so it returns as soon as it has everything
 * that was there. In partition and offset order.
 */
export async function readTopic(kafka: Kafka, topic: string, options: { timeoutMs?: number } = {}): Promise<ReceivedEvent[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, Number(entry.high)]));
  await admin.disconnect();
  const expected = [...ends.values()].reduce((sum, high) => sum + high, 0);
  const received: ReceivedEvent[] = [];
  if (expected === 0) return received;
  const groupId = uniqueName('relay-test-reader');
  const consumer = kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${received.length} of ${expected} messages of ${topic} in time`)), options.timeoutMs ?? 30_000);
      consumer
        .run({
          eachBatch: async ({ batch }) => {
            for (const message of batch.messages) {
              if (Number(message.offset) >= (ends.get(batch.partition) ?? 0)) continue;
              const event = fromKafkaMessage(message);
              const headers: Record<string, string> = {};
              for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(Array.isArray(value) ? value[0] : value);
              received.push({ id: event.id, accountId: event.accountId, partition: batch.partition, offset: Number(message.offset), headers, value: event.data });
            }
            if (received.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
    const admin2 = kafka.admin();
    await admin2.connect();
    await admin2.deleteGroups([groupId]).catch(() => undefined);
    await admin2.disconnect();
  }
  return received.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
}

/** Sum of the end offsets of a topic's partitions: how many messages it holds. */
export async function countTopic(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return 0;
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, entry) => sum + Number(entry.high), 0);
  } finally {
    await admin.disconnect();
  }
}

export async function deleteTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    if ((await admin.listTopics()).includes(topic)) await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}
