import type { Admin } from 'kafkajs';
import { sleep } from '../util/sleep.js';
import { TopicMissingError } from './errors/topic-missing-error.js';

/**
 * Waits until `topic` exists and every partition has a leader that serves it. Topic auto-creation is
 * off and the events topic belongs to the relay (its partition count is the relay's decision), so
 * consumers wait for it instead of creating it. Existing is not enough: right after the relay
 * created it on a brand-new broker, the partitions may have no leader yet, or a leader that does not
 * host them yet ("This server does not host this topic-partition"), and a consumer started then
 * dies. So this also needs the metadata to name a leader for each partition and the leaders to
 * answer a ListOffsets for them.
 */
export async function waitForTopic(admin: Admin, topic: string, options: { waitMs: number; signal?: AbortSignal; pollMs?: number }): Promise<void> {
  const started = Date.now();
  for (;;) {
    const problem = await topicProblem(admin, topic);
    if (problem === undefined) return;
    if (Date.now() - started >= options.waitMs || options.signal?.aborted === true) throw new TopicMissingError(topic, Date.now() - started, problem);
    await sleep(options.pollMs ?? 500, options.signal);
  }
}

/** What keeps the topic from being consumed, or undefined when nothing does. */
async function topicProblem(admin: Admin, topic: string): Promise<string | undefined> {
  if (!(await admin.listTopics()).includes(topic)) return 'does not exist';
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = metadata.topics.find((entry) => entry.name === topic)?.partitions ?? [];
    if (partitions.length === 0) return 'has no partitions in the metadata yet';
    const leaderless = partitions.filter((partition) => partition.partitionErrorCode !== 0 || partition.leader < 0).map((partition) => partition.partitionId);
    if (leaderless.length > 0) return `has partitions without a leader (${leaderless.join(', ')})`;
    await admin.fetchTopicOffsets(topic);
    return undefined;
  } catch (error) {
    return `is not served yet (${error instanceof Error ? error.message : String(error)})`;
  }
}
