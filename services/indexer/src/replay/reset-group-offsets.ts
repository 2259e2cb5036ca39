import type { Admin } from 'kafkajs';
import { GroupActiveError } from '../errors/group-active-error.js';

/** Where a replay starts: the oldest retained message, or the first message at or after a time. */
export type ReplayStart = { readonly earliest: true } | { readonly timestamp: Date };

export interface PartitionOffset {
  readonly partition: number;
  readonly offset: string;
}

/**
 * Moves the indexer group's committed offsets back so that its next start re-reads the topic from
 * `start` and re-indexes everything since (documents are overwritten by _id: no duplicates). The
 * group must be stopped: Kafka only accepts offsets for a group without members, and a running
 * indexer would overwrite them with its next commit anyway.
 */
export async function resetGroupOffsets(admin: Admin, options: { groupId: string; topic: string; start: ReplayStart }): Promise<PartitionOffset[]> {
  const { groupId, topic, start } = options;
  const [group] = (await admin.describeGroups([groupId])).groups;
  if (group !== undefined && group.state !== 'Empty' && group.state !== 'Dead') throw new GroupActiveError(groupId, group.state, group.members.length);
  const partitions =
    'earliest' in start
      ? (await admin.fetchTopicOffsets(topic)).map(({ partition, low }) => ({ partition, offset: low }))
      : // Partitions with nothing newer than the timestamp get their end offset: nothing to replay there.
        await admin.fetchTopicOffsetsByTimestamp(topic, start.timestamp.getTime());
  await admin.setOffsets({ groupId, topic, partitions });
  return partitions.map(({ partition, offset }) => ({ partition, offset })).sort((a, b) => a.partition - b.partition);
}
