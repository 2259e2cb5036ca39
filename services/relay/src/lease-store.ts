import { sql, type Kysely } from 'kysely';
import type { RelayDatabase } from './relay-database.js';

export interface OwnedShard {
  readonly shard: number;
  readonly epoch: number;
}

/**
 * The SQL of shard leases (relay_shard_leases, relay_instances). Times are the database's clock
 * (NOW(3)) so instances on hosts with different clocks agree on who holds what.
 */
export class LeaseStore {
  constructor(private readonly db: Kysely<RelayDatabase>) {}

  /** Announces this instance as alive for `leaseMs`. */
  async heartbeat(instanceId: string, leaseMs: number): Promise<void> {
    await sql`INSERT INTO relay_instances (instance_id, expires_at) VALUES (${instanceId}, ${until(leaseMs)})
      ON DUPLICATE KEY UPDATE expires_at = VALUES(expires_at)`.execute(this.db);
  }

  async liveInstances(): Promise<number> {
    const row = await sql<{ live: number }>`SELECT COUNT(*) AS live FROM relay_instances WHERE expires_at > NOW(3)`.execute(this.db);
    return Number(row.rows[0]?.live ?? 0);
  }

  /**
   * Extends every lease this instance still holds and returns them. A lease that expired but was
   * not taken by anyone is still ours (no one else published that shard meanwhile), so it is
   * renewed too; one taken by another instance no longer carries our name and is not returned.
   */
  async renew(owner: string, leaseMs: number): Promise<OwnedShard[]> {
    await sql`UPDATE relay_shard_leases SET lease_until = ${until(leaseMs)} WHERE owner = ${owner}`.execute(this.db);
    return this.owned(owner);
  }

  /** Takes up to `count` free (released) or expired shards, lowest numbers first; returns all owned. */
  async acquire(owner: string, leaseMs: number, count: number): Promise<OwnedShard[]> {
    await sql`UPDATE relay_shard_leases
      SET owner = ${owner}, epoch = epoch + 1, lease_until = ${until(leaseMs)}, acquired_at = NOW(3)
      WHERE owner IS NULL OR lease_until < NOW(3)
      ORDER BY shard LIMIT ${count}`.execute(this.db);
    return this.owned(owner);
  }

  /** Gives shards back at once (owner NULL), so another instance can take them without waiting for expiry. */
  async release(owner: string, shards: readonly number[] | 'all'): Promise<void> {
    if (shards !== 'all' && shards.length === 0) return;
    const which = shards === 'all' ? sql`` : sql` AND shard IN (${sql.join(shards.map((shard) => sql`${shard}`))})`;
    await sql`UPDATE relay_shard_leases SET owner = NULL, lease_until = NOW(3) WHERE owner = ${owner}${which}`.execute(this.db);
  }

  async leave(instanceId: string): Promise<void> {
    await sql`DELETE FROM relay_instances WHERE instance_id = ${instanceId}`.execute(this.db);
  }

  /** Forgets instances that stopped heartbeating long ago (crashed ones never call leave). */
  async pruneInstances(olderThanSeconds: number): Promise<void> {
    await sql`DELETE FROM relay_instances WHERE expires_at < NOW(3) - INTERVAL ${olderThanSeconds} SECOND`.execute(this.db);
  }

  async owned(owner: string): Promise<OwnedShard[]> {
    const result = await sql<OwnedShard>`SELECT shard, epoch FROM relay_shard_leases WHERE owner = ${owner} ORDER BY shard`.execute(this.db);
    return result.rows.map((row) => ({ shard: Number(row.shard), epoch: Number(row.epoch) }));
  }
}

const until = (leaseMs: number) => sql`NOW(3) + INTERVAL ${Math.round(leaseMs) * 1000} MICROSECOND`;
