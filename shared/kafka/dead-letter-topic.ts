import kafkajs, { type Admin } from 'kafkajs';
import { DEFAULT_RETENTION } from '../retention/retention-settings.js';
import { deadLetterTopicConfig } from '../retention/topic-retention.js';
import { ensureTopic } from './topics.js';

// kafkajs is CommonJS and Node's named-export detection misses ConfigResourceTypes (tsc does not).
const { ConfigResourceTypes } = kafkajs;

/** Room for what a letter adds to its source message: our authlog-dlq-* headers, the error (4 KB) first. */
const HEADROOM_BYTES = 64 * 1024;

/**
 * Creates the dead-letter topic of a consumer of `sourceTopic` if missing, with a max.message.bytes
 * that fits the largest letter: the largest message the source topic accepts plus our headers.
 * Resolves with the dead-letter topic's max.message.bytes (an existing topic keeps its own: the
 * publisher splits and cuts letters to fit whatever it is).
 *
 * retention.ms: `retentionDays` (the services pass RETENTION_DLQ_TOPIC_DAYS, shared/retention),
 * else the policy's default (30 days). Set at creation only: an existing topic keeps its own, and
 * the lifecycle service's kafka-topic-retention job reports it if it differs from the policy.
 */
export async function ensureDeadLetterTopic(
  admin: Admin,
  options: { topic: string; partitions: number; sourceTopic: string; retentionDays?: number },
): Promise<{ maxMessageBytes: number }> {
  const wanted = (await topicMaxMessageBytes(admin, options.sourceTopic)) + HEADROOM_BYTES;
  const { created } = await ensureTopic(admin, options.topic, {
    partitions: options.partitions,
    configEntries: [{ name: 'max.message.bytes', value: String(wanted) }, ...deadLetterTopicConfig(options.retentionDays ?? DEFAULT_RETENTION.dlqTopicDays)],
  });
  return { maxMessageBytes: created ? wanted : await topicMaxMessageBytes(admin, options.topic) };
}

/** A topic's effective max.message.bytes (its own setting, else the broker's default). */
export async function topicMaxMessageBytes(admin: Admin, topic: string): Promise<number> {
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['max.message.bytes'] }],
  });
  const value = described.resources[0]?.configEntries.find((entry) => entry.configName === 'max.message.bytes')?.configValue;
  const bytes = Number(value);
  if (!Number.isInteger(bytes) || bytes <= 0) throw new Error(`topic ${topic}: max.message.bytes is ${value ?? 'missing'}`);
  return bytes;
}
