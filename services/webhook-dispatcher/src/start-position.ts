import type { Admin } from 'kafkajs';
import type { Logger } from '../../../shared/log/logger.js';

export interface StartPositionSettings {
  readonly topic: string;
  readonly groupId: string;
  /** How far back a group without offsets may start, at most (the settled markers' window by default). */
  readonly lookbackMs: number;
  /** Allowance for the clocks of MySQL (endpoint created_at) and of the relay (Kafka timestamps). */
  readonly clockMarginMs: number;
}

/** Where the partitions a group has no committed offset for were set to start, or why they were not. */
export type StartPosition =
  | { readonly kind: 'committed' }
  | { readonly kind: 'set'; readonly since: number; readonly partitions: readonly { partition: number; offset: string }[] }
  | { readonly kind: 'group-active'; readonly since: number; readonly error: string };

/**
 * The time a group without committed offsets starts reading from: the creation of the earliest
 * enabled endpoint (every event committed after it must reach it), never later than now, never
 * earlier than the lookback, minus the clock margin.
 */
export function startTimestamp(input: { now: number; earliestEndpoint: Date | undefined; lookbackMs: number; clockMarginMs: number }): number {
  const earliest = Math.min(input.now, input.earliestEndpoint?.getTime() ?? input.now);
  return Math.max(earliest, input.now - input.lookbackMs) - input.clockMarginMs;
}

/**
 * Gives every partition the group has no committed offset for (a new group, a reset group, a
 * partition added to the topic) an explicit start, committed BEFORE the consumer joins. A consumer
 * left to kafkajs's "latest" would decide what "now" is only when it finally joins, so on a first
 * start (or after a crash loop) every event committed between an endpoint's creation and that join
 * was skipped (issue 13 item 17). The consumer also subscribes `fromBeginning`, so a partition this
 * could not set (another dispatcher is already in the group) starts at the oldest retained message
 * instead of the newest: re-reading is absorbed by the created_at filter and the settled markers,
 * skipping is not recoverable.
 */
export async function ensureStartOffsets(
  admin: Admin,
  settings: StartPositionSettings,
  earliestEndpoint: () => Promise<Date | undefined>,
  logger: Logger,
): Promise<StartPosition> {
  const [committed] = await admin.fetchOffsets({ groupId: settings.groupId, topics: [settings.topic] });
  const missing = new Set((committed?.partitions ?? []).filter((entry) => entry.offset === '-1').map((entry) => entry.partition));
  if (missing.size === 0) return { kind: 'committed' };
  const since = startTimestamp({ now: Date.now(), earliestEndpoint: await earliestEndpoint(), ...settings });
  // The first offset at or after `since` per partition (the end of the partition when none is).
  const offsets = await admin.fetchTopicOffsetsByTimestamp(settings.topic, since);
  const partitions = offsets.filter((entry) => missing.has(entry.partition)).map(({ partition, offset }) => ({ partition, offset }));
  try {
    await admin.setOffsets({ groupId: settings.groupId, topic: settings.topic, partitions });
  } catch (error) {
    // setOffsets refuses while the group has members: a dispatcher started at the same time.
    const message = error instanceof Error ? error.message : String(error);
    logger.warn({ err: error, groupId: settings.groupId, since: new Date(since).toISOString() }, 'could not set the start of partitions without a committed offset; they start at the oldest retained message');
    return { kind: 'group-active', since, error: message };
  }
  logger.info({ groupId: settings.groupId, since: new Date(since).toISOString(), partitions }, 'group had no committed offset for some partitions; they start at the earliest enabled endpoint\'s creation');
  return { kind: 'set', since, partitions };
}
