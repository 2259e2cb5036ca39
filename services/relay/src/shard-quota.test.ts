import { describe, expect, it } from 'vitest';
import { ShardQuota } from './shard-quota.js';

const shards = Array.from({ length: 64 }, (_, shard) => shard);
const sum = (limits: Map<number, number>) => [...limits.values()].reduce((total, value) => total + value, 0);

/** Simulates polls against per-shard backlogs; returns the limits of the last poll. */
function settle(quota: ShardQuota, backlog: (shard: number) => number, polls = 12): Map<number, number> {
  let limits = quota.limitsFor(shards);
  for (let poll = 0; poll < polls; poll += 1) {
    const returned = new Map(shards.map((shard) => [shard, Math.min(backlog(shard), limits.get(shard) ?? 0)]));
    quota.record(limits, returned);
    limits = quota.limitsFor(shards);
  }
  return limits;
}

describe('ShardQuota', () => {
  it('starts with a fair share per shard', () => {
    const limits = new ShardQuota(4000).limitsFor(shards);
    expect(new Set(limits.values())).toEqual(new Set([62]));
    expect(sum(limits)).toBeLessThanOrEqual(4000);
  });

  it('keeps the fair share when every shard has a deep backlog', () => {
    const limits = settle(new ShardQuota(4000), () => 1_000_000);
    expect(sum(limits)).toBeLessThanOrEqual(4000);
    expect(Math.min(...limits.values())).toBeGreaterThanOrEqual(60);
  });

  it('gives almost the whole batch to the one shard that has a backlog, and still looks at the others', () => {
    const limits = settle(new ShardQuota(4000), (shard) => (shard === 7 ? 1_000_000 : 0));
    expect(limits.get(7)).toBeGreaterThan(3000);
    expect(sum(limits)).toBeLessThanOrEqual(4000 + 64);
    for (const shard of shards.filter((shard) => shard !== 7)) expect(limits.get(shard)).toBe(8);
  });

  it('grows a shard that turns busy again within a few polls', () => {
    const quota = new ShardQuota(4000);
    settle(quota, () => 0);
    const limits = settle(quota, (shard) => (shard === 3 ? 1_000_000 : 0), 8);
    expect(limits.get(3)).toBeGreaterThan(1000);
  });

  it('never gives a shard less than one row, even with tiny batches', () => {
    const limits = new ShardQuota(10).limitsFor(shards);
    expect(Math.min(...limits.values())).toBe(1);
  });
});
