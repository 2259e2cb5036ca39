import type { AuthlogDatabase } from '../../../shared/db/database.js';

/** Kysely types of the relay's own tables (migrations/2026-11-26-03-relay-leases.ts). */
export interface RelayShardLeasesTable {
  shard: number;
  owner: string | null;
  lease_until: Date;
  epoch: number;
  acquired_at: Date | null;
}

export interface RelayInstancesTable {
  instance_id: string;
  started_at: Date;
  expires_at: Date;
}

export interface RelayDatabase extends AuthlogDatabase {
  relay_shard_leases: RelayShardLeasesTable;
  relay_instances: RelayInstancesTable;
}

/** outbox.shard is CRC32(account_id) % 64 (generated column); the lease table has one row per shard. */
export const SHARD_COUNT = 64;
