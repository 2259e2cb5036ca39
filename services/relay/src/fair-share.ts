/**
 * Which shards an instance should take or give back, given how many instances are alive. Every
 * instance aims at ceil(shards / live) so that together they cover all shards; one that holds more
 * releases its highest-numbered extras (between batches), one that holds fewer takes free or
 * expired shards. Decisions use only the instance's own view; they converge within a few renewal
 * rounds as the instances see the same membership.
 */
export function fairShare(shardCount: number, liveInstances: number): number {
  return Math.ceil(shardCount / Math.max(1, liveInstances));
}

export interface Rebalance {
  /** How many free or expired shards to try to take. */
  readonly acquire: number;
  /** Owned shards to give back. */
  readonly release: readonly number[];
}

export function planRebalance(owned: readonly number[], shardCount: number, liveInstances: number): Rebalance {
  const target = fairShare(shardCount, liveInstances);
  if (owned.length > target) {
    const release = [...owned].sort((a, b) => b - a).slice(0, owned.length - target);
    return { acquire: 0, release };
  }
  return { acquire: target - owned.length, release: [] };
}
