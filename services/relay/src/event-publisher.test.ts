import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { chunksOf, partitionerFor } from './event-publisher.js';
import { messageBytes } from './outbox-message.js';

const message = (key: string, size: number): Message => ({ key, value: Buffer.alloc(size, 120) });

describe('chunksOf', () => {
  it('keeps order and bounds each partition share and each request', () => {
    const messages = Array.from({ length: 400 }, (_, index) => message(`acct_${index % 37}`, 900 + (index % 7) * 50));
    const partitionOf = partitionerFor(12)!;
    const limits = { maxRequestBytes: 120_000, maxPartitionBytes: 20_000 };
    const chunks = [...chunksOf(messages, limits, partitionOf)];
    expect(chunks.flat()).toEqual(messages);
    for (const chunk of chunks) {
      const total = chunk.reduce((sum, item) => sum + messageBytes(item), 0);
      expect(total).toBeLessThanOrEqual(limits.maxRequestBytes);
      const perPartition = new Map<number, number>();
      for (const item of chunk) perPartition.set(partitionOf(item), (perPartition.get(partitionOf(item)) ?? 0) + messageBytes(item));
      expect(Math.max(...perPartition.values())).toBeLessThanOrEqual(limits.maxPartitionBytes);
    }
  });

  it('without partitions, bounds the whole request by the partition limit', () => {
    const chunks = [...chunksOf(Array.from({ length: 10 }, () => message('a', 1000)), { maxRequestBytes: 1e9, maxPartitionBytes: 3000 })];
    expect(chunks.map((chunk) => chunk.length)).toEqual([2, 2, 2, 2, 2]);
  });

  it('sends a single oversized message alone', () => {
    const chunks = [...chunksOf([message('a', 10), message('a', 5000), message('a', 10)], { maxRequestBytes: 1e9, maxPartitionBytes: 1000 })];
    expect(chunks.map((chunk) => chunk.length)).toEqual([1, 1, 1]);
  });
});

