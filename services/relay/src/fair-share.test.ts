import { describe, expect, it } from 'vitest';
import { fairShare, planRebalance } from './fair-share.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, index) => from + index);

describe('fair share of shards', () => {
  it('covers every shard whatever the number of instances', () => {
    for (let live = 1; live <= 70; live += 1) expect(fairShare(64, live) * live).toBeGreaterThanOrEqual(64);
    expect(fairShare(64, 0)).toBe(64);
  });

  it('a lone instance takes everything', () => {
    expect(planRebalance([], 64, 1)).toEqual({ acquire: 64, release: [] });
  });

  it('gives back its highest shards when a second instance appears', () => {
    expect(planRebalance(range(0, 64), 64, 2)).toEqual({ acquire: 0, release: range(32, 64).reverse() });
  });

  it('takes up the slack when an instance disappears', () => {
    expect(planRebalance(range(0, 22), 64, 2)).toEqual({ acquire: 10, release: [] });
  });

  it('three instances converge to 22/22/20', () => {
    const target = fairShare(64, 3);
    expect(target).toBe(22);
    expect(planRebalance(range(0, 22), 64, 3)).toEqual({ acquire: 0, release: [] });
  });
});
