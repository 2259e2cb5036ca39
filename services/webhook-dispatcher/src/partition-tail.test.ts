import { describe, expect, it } from 'vitest';
import { PartitionTail } from './partition-tail.js';

describe('PartitionTail', () => {
  it('commits up to the oldest message with an unsettled delivery, never past it', () => {
    const tail = new PartitionTail();
    const a = tail.take('10', 2, 1_000);
    const b = tail.take('11', 1, 1_000);
    tail.take('12', 0, 1_000);
    expect(tail.committable()).toBeUndefined();
    tail.settle(b);
    // 11 is done, but 10 is not: nothing may be committed yet.
    expect(tail.committable()).toBeUndefined();
    tail.settle(a);
    expect(tail.committable()).toBeUndefined();
    tail.settle(a);
    // Everything settled: the next offset to read after a restart is the one after the last taken.
    expect(tail.committable()).toBe('13');
    tail.committed('13');
    expect(tail.count).toBe(0);
    expect(tail.committable()).toBeUndefined();
  });

  it('counts the uncommitted tail (settled or not) and ages its oldest unsettled message', () => {
    const tail = new PartitionTail();
    const first = tail.take('0', 1, 1_000);
    tail.take('1', 1, 2_000);
    expect(tail.count).toBe(2);
    expect(tail.unsettledAgeMs(5_000)).toBe(4_000);
    tail.settle(first);
    expect(tail.committable()).toBe('1');
    // Settled but not committed yet: still what a crash would read again.
    expect(tail.count).toBe(2);
    expect(tail.unsettledAgeMs(5_000)).toBe(3_000);
    tail.committed('1');
    expect(tail.count).toBe(1);
    expect(tail.ageMs(5_000)).toBe(3_000);
  });

  it('keeps working across many messages (the settled prefix is dropped)', () => {
    const tail = new PartitionTail();
    const entries = Array.from({ length: 5_000 }, (_, index) => tail.take(String(index), 1));
    for (const entry of entries.slice(0, 4_000)) tail.settle(entry);
    expect(tail.committable()).toBe('4000');
    tail.committed('4000');
    expect(tail.count).toBe(1_000);
    for (const entry of entries.slice(4_000)) tail.settle(entry);
    expect(tail.committable()).toBe('5000');
    expect(tail.lastTaken).toBe('4999');
  });
});
