import type { Message, RecordMetadata } from 'kafkajs';

/** Where Kafka appended one message, and when the relay saw the acknowledgement (its clock). */
export interface Publication {
  readonly partition: number;
  readonly offset: bigint;
  readonly ackedAtMs: number;
}

/**
 * The position of every message of one acknowledged produce request, in the order sent: the broker
 * answers one base offset per partition, and appends a partition's messages in the order given,
 * so the n-th message of partition p is at base(p) + n. Undefined for every message when the
 * partition of each message is not known (the publisher lost its partition count), or for a
 * partition the answer does not name: nothing is guessed.
 */
export function publicationsOf(
  chunk: readonly Message[],
  answer: readonly RecordMetadata[],
  partitionOf: ((message: Message) => number) | undefined,
  ackedAtMs: number,
): (Publication | undefined)[] {
  if (partitionOf === undefined) return chunk.map(() => undefined);
  const next = new Map<number, bigint>();
  for (const entry of answer) {
    const base = entry.baseOffset ?? entry.offset;
    if (base !== undefined && entry.errorCode === 0) next.set(entry.partition, BigInt(base));
  }
  // kafkajs partitions with its own metadata; if the topic grew since we counted its partitions,
  // the answer names other partitions than ours and our offsets would be wrong: record nothing.
  const partitions = chunk.map(partitionOf);
  const ours = new Set(partitions);
  if (ours.size !== next.size || [...ours].some((partition) => !next.has(partition))) return chunk.map(() => undefined);
  return partitions.map((partition) => {
    const offset = next.get(partition);
    if (offset === undefined) return undefined;
    next.set(partition, offset + 1n);
    return { partition, offset, ackedAtMs };
  });
}
