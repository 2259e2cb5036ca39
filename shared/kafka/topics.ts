import type { Admin, ITopicConfig } from 'kafkajs';
import { waitForTopic } from './wait-for-topic.js';

/** Default topic names; each service takes them from its config so tests can use their own. */
export const DEFAULT_EVENTS_TOPIC = 'authlog.events.v1';
/** Events the indexer could not index (mapping errors, malformed), with the reason in headers. */
export const DEFAULT_INDEXER_DLQ_TOPIC = 'authlog.events.v1.indexer-dlq';
/** Events the webhook dispatcher could not route (malformed), with the reason in headers. */
export const DEFAULT_WEBHOOK_DLQ_TOPIC = 'authlog.events.v1.webhooks-dlq';

/**
 * Creates the topic if it is missing; an existing topic is left as it is (partition counts only
 * grow, and growing them moves keys between partitions: that is an operator's decision).
 * A topic it created is returned only once every partition is served (waitForTopic): kafkajs' own
 * `waitForLeaders` retries only LEADER_NOT_AVAILABLE, so on a busy or brand-new broker the relay
 * died at its first start with "This server does not host this topic-partition" (issue 13 item 14)
 * although the topic had been created.
 */
export async function ensureTopic(
  admin: Admin,
  topic: string,
  options: { partitions: number; replicationFactor?: number; configEntries?: ITopicConfig['configEntries']; servedWithinMs?: number },
): Promise<{ created: boolean }> {
  const existing = await admin.listTopics();
  if (existing.includes(topic)) return { created: false };
  const created = await admin.createTopics({
    waitForLeaders: false,
    topics: [
      {
        topic,
        numPartitions: options.partitions,
        replicationFactor: options.replicationFactor ?? 1,
        ...(options.configEntries === undefined ? {} : { configEntries: options.configEntries }),
      },
    ],
  });
  await waitForTopic(admin, topic, { waitMs: options.servedWithinMs ?? 30_000, pollMs: 100 });
  return { created };
}
