import type { Logger } from '../../../shared/log/logger.js';
import { planRebalance } from './fair-share.js';
import type { LeaseStore, OwnedShard } from './lease-store.js';
import { PeriodicTask } from './periodic-task.js';
import { SHARD_COUNT } from './relay-database.js';
import type { RelayMetrics } from './relay-metrics.js';

/** What the publishing loop needs from shard ownership. */
export interface ShardOwnership {
  /** Shards this instance may read now: held, not being given back, and with lease time to spare. */
  usableShards(): number[];
  /**
   * Fences a batch: returns the subset of `shards` still usable now and keeps them from being
   * released until release() is called. Rows of shards not in the subset must not be published.
   */
  hold(shards: Iterable<number>): ShardHold;
  /** Whether every shard of a hold is still validly leased (checked again before settling). */
  stillValid(shards: Iterable<number>): boolean;
}

export interface ShardHold {
  readonly shards: ReadonlySet<number>;
  release(): void;
}

interface Lease {
  readonly epoch: number;
  /** Local monotonic time (ms) until which the lease is surely ours. */
  readonly validUntil: number;
}

export interface ShardLeaseManagerOptions {
  readonly store: LeaseStore;
  readonly instanceId: string;
  readonly leaseMs: number;
  readonly renewIntervalMs: number;
  readonly logger: Logger;
  readonly metrics: RelayMetrics;
  readonly clock?: () => number;
}

/**
 * Holds this instance's fair share of the 64 shards with leases in MySQL, renewing them every
 * renewIntervalMs, taking free or expired shards when it holds fewer than its share and giving
 * back extras (only once no batch holds them) when more instances are alive.
 *
 * Local validity is conservative: a renewal sent at local time t makes the lease valid locally
 * until t + leaseMs, while the database sets lease_until = NOW() + leaseMs when it executes the
 * statement, later than t. A shard is used only while at least half a lease remains, so a relay
 * that cannot renew (MySQL unreachable, process stalled) stops publishing well before another
 * instance may take the shard over.
 */
export class ShardLeaseManager implements ShardOwnership {
  readonly #options: ShardLeaseManagerOptions;
  readonly #clock: () => number;
  readonly #task: PeriodicTask;
  readonly #owned = new Map<number, Lease>();
  readonly #releasing = new Set<number>();
  readonly #holds = new Map<number, number>();
  #live = 0;
  #lastRenewal: number | undefined;
  #stopped = false;

  constructor(options: ShardLeaseManagerOptions) {
    this.#options = options;
    this.#clock = options.clock ?? (() => performance.now());
    this.#task = new PeriodicTask({
      intervalMs: options.renewIntervalMs,
      run: () => this.#tick(),
      onError: (error, failures) => {
        options.metrics.errors.inc({ kind: 'lease' });
        options.logger.warn({ err: error, failures, ownedShards: this.#owned.size }, 'lease renewal failed; shards stay usable while their lease lasts');
      },
    });
  }

  get instanceId(): string {
    return this.#options.instanceId;
  }

  /** First round (announce, renew, acquire) before returning, then every renewIntervalMs. */
  async start(): Promise<void> {
    await this.#task.start();
  }

  /** Stops renewing and gives every shard back at once, so others need not wait for expiry. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    await this.#task.stop();
    const { store, instanceId, logger, metrics } = this.#options;
    const shards = [...this.#owned.keys()];
    try {
      await store.release(instanceId, 'all');
      await store.leave(instanceId);
      metrics.leaseChanges.inc({ change: 'released' }, shards.length);
      logger.info({ shards }, 'released all shard leases');
    } catch (error) {
      logger.warn({ err: error, shards }, 'could not release shard leases; they expire on their own');
    }
    this.#owned.clear();
    metrics.setOwned(0);
  }

  get ownedShards(): number[] {
    return [...this.#owned.keys()].sort((a, b) => a - b);
  }

  get liveInstances(): number {
    return this.#live;
  }

  /** ms since the last successful renewal round, or undefined before the first. */
  get sinceLastRenewalMs(): number | undefined {
    return this.#lastRenewal === undefined ? undefined : this.#clock() - this.#lastRenewal;
  }

  usableShards(): number[] {
    const now = this.#clock();
    return this.ownedShards.filter((shard) => this.#usable(shard, now));
  }

  hold(shards: Iterable<number>): ShardHold {
    const now = this.#clock();
    const held = new Set<number>();
    for (const shard of shards) {
      if (held.has(shard) || !this.#usable(shard, now)) continue;
      held.add(shard);
      this.#holds.set(shard, (this.#holds.get(shard) ?? 0) + 1);
    }
    let released = false;
    return {
      shards: held,
      release: () => {
        if (released) return;
        released = true;
        for (const shard of held) {
          const count = (this.#holds.get(shard) ?? 1) - 1;
          if (count <= 0) this.#holds.delete(shard);
          else this.#holds.set(shard, count);
        }
      },
    };
  }

  stillValid(shards: Iterable<number>): boolean {
    const now = this.#clock();
    for (const shard of shards) {
      const lease = this.#owned.get(shard);
      if (lease === undefined || lease.validUntil <= now) return false;
    }
    return true;
  }

  #usable(shard: number, now: number): boolean {
    const lease = this.#owned.get(shard);
    return lease !== undefined && !this.#releasing.has(shard) && lease.validUntil - now >= this.#options.leaseMs / 2;
  }

  async #tick(): Promise<void> {
    const { store, instanceId, leaseMs } = this.#options;
    const sentAt = this.#clock();
    await store.heartbeat(instanceId, leaseMs);
    let owned = await store.renew(instanceId, leaseMs);
    this.#live = Math.max(1, await store.liveInstances());
    const plan = planRebalance(
      owned.map((lease) => lease.shard),
      SHARD_COUNT,
      this.#live,
    );
    if (plan.acquire > 0) owned = await store.acquire(instanceId, leaseMs, plan.acquire);
    this.#apply(owned, sentAt);
    this.#lastRenewal = sentAt;

    // Give back extras only between batches: a held shard is released on a later round.
    this.#releasing.clear();
    for (const shard of plan.release) this.#releasing.add(shard);
    const releasable = plan.release.filter((shard) => !this.#holds.has(shard));
    if (releasable.length > 0) {
      await store.release(instanceId, releasable);
      for (const shard of releasable) {
        this.#owned.delete(shard);
        this.#releasing.delete(shard);
      }
      this.#options.metrics.leaseChanges.inc({ change: 'released' }, releasable.length);
      this.#options.logger.info({ shards: releasable, live: this.#live, owned: this.#owned.size }, 'released shards to other instances');
    }
    this.#options.metrics.setOwned(this.#owned.size);
    this.#options.metrics.liveInstances.set(this.#live);
    if (Math.random() < 0.01) await store.pruneInstances(3600);
  }

  #apply(owned: readonly OwnedShard[], sentAt: number): void {
    const { logger, metrics, leaseMs } = this.#options;
    const current = new Set(owned.map((lease) => lease.shard));
    const lost = [...this.#owned.keys()].filter((shard) => !current.has(shard));
    if (lost.length > 0) {
      for (const shard of lost) this.#owned.delete(shard);
      metrics.leaseChanges.inc({ change: 'lost' }, lost.length);
      metrics.errors.inc({ kind: 'lease_lost' }, lost.length);
      logger.warn({ shards: lost }, 'shard leases lost to another instance (this one could not renew in time)');
    }
    const acquired: OwnedShard[] = [];
    for (const lease of owned) {
      const previous = this.#owned.get(lease.shard);
      if (previous === undefined || previous.epoch !== lease.epoch) acquired.push(lease);
      this.#owned.set(lease.shard, { epoch: lease.epoch, validUntil: sentAt + leaseMs });
    }
    if (acquired.length > 0) {
      metrics.leaseChanges.inc({ change: 'acquired' }, acquired.length);
      logger.info({ shards: acquired.map((lease) => lease.shard), live: this.#live, owned: this.#owned.size }, 'acquired shard leases');
    }
  }
}
