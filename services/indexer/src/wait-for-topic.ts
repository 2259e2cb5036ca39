import type { Admin } from 'kafkajs';
import { sleep } from '../../../shared/util/sleep.js';
import { TopicMissingError } from './errors/topic-missing-error.js';

/**
 * Waits until `topic` exists. Topic auto-creation is off and the events topic belongs to the relay
 * (its partition count is the relay's decision), so the indexer waits for it instead of creating it.
 */
export async function waitForTopic(admin: Admin, topic: string, options: { waitMs: number; signal?: AbortSignal; pollMs?: number }): Promise<void> {
  const started = Date.now();
  for (;;) {
    if ((await admin.listTopics()).includes(topic)) return;
    if (Date.now() - started >= options.waitMs || options.signal?.aborted === true) throw new TopicMissingError(topic, Date.now() - started);
    await sleep(options.pollMs ?? 1_000, options.signal);
  }
}
