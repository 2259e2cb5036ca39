import type { Kafka } from 'kafkajs';
import { fromKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import { uniqueName } from '../../support/unique-name.js';

export interface TopicEvent {
  readonly id: string;
  readonly accountId: string;
  readonly partition: number;
  readonly offset: bigint;
}

/** Every message of `topic` up to its current end, in (partition, offset) order, as CloudEvent ids. */
export async function readWholeTopic(kafka: Kafka, topic: string): Promise<TopicEvent[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map((await admin.fetchTopicOffsets(topic)).map((entry) => [entry.partition, BigInt(entry.high)]));
  await admin.disconnect();
  const remaining = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  const events: TopicEvent[] = [];
  if (remaining.size === 0) return events;

  const consumer = kafka.consumer({ groupId: uniqueName('fault-check'), sessionTimeout: 10_000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const attributes = fromKafkaMessage(message);
          const offset = BigInt(message.offset);
          events.push({ id: attributes.id, accountId: attributes.accountId, partition, offset });
          if (offset + 1n >= (ends.get(partition) ?? 0n)) remaining.delete(partition);
          if (remaining.size === 0) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return events.sort((a, b) => a.partition - b.partition || (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
}

/**
 * Whether each account's events appear in Kafka in the order they were committed: all in one
 * partition, and in first-occurrence order equal to the commit order (a redelivery after a crash may
 * repeat events, which consumers drop by id, but must not put an older event after a newer one's
 * first appearance). Returns the accounts that break it.
 */
export function accountsOutOfOrder(events: readonly TopicEvent[], committedInOrder: ReadonlyMap<string, readonly string[]>): string[] {
  const broken: string[] = [];
  for (const [accountId, expected] of committedInOrder) {
    const mine = events.filter((event) => event.accountId === accountId);
    const partitions = new Set(mine.map((event) => event.partition));
    const seen = new Set<string>();
    const firstOccurrences = mine.filter((event) => (seen.has(event.id) ? false : (seen.add(event.id), true))).map((event) => event.id);
    const wanted = new Set(expected);
    const relevant = firstOccurrences.filter((id) => wanted.has(id));
    if (partitions.size > 1 || relevant.join() !== expected.join()) broken.push(accountId);
  }
  return broken;
}
