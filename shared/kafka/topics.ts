import type { Admin, ITopicConfig } from 'kafkajs';

/** Default topic names; each service takes them from its config so tests can use their own. */
export const DEFAULT_EVENTS_TOPIC = 'authlog.events.v1';
/** Events the indexer could not index (mapping errors, malformed), with the reason in headers. */
export const DEFAULT_INDEXER_DLQ_TOPIC = 'authlog.events.v1.indexer-dlq';

/**
 * Creates the topic if it is missing; an existing topic is left as it is (partition counts only
 * grow, and growing them moves keys between partitions: that is an operator's decision).
 */
export async function ensureTopic(
  admin: Admin,
  topic: string,
  options: { partitions: number; replicationFactor?: number; configEntries?: ITopicConfig['configEntries'] },
): Promise<{ created: boolean }> {
  const existing = await admin.listTopics();
  if (existing.includes(topic)) return { created: false };
  const created = await admin.createTopics({
    waitForLeaders: true,
    topics: [
      {
        topic,
        numPartitions: options.partitions,
        replicationFactor: options.replicationFactor ?? 1,
        ...(options.configEntries === undefined ? {} : { configEntries: options.configEntries }),
      },
    ],
  });
  return { created };
}
