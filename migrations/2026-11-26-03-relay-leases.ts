import { sql, type Kysely } from 'kysely';

/**
 * Shard ownership for the outbox relay (services/relay). The outbox is split into 64 shards
 * (outbox.shard = CRC32(account_id) % 64); each shard is published by at most one relay instance at
 * a time, which keeps every account's events in order while several instances share the work.
 *
 * relay_shard_leases: one row per shard, seeded here. `owner` holds it until `lease_until`
 *   (database time); the owner renews it every second or so. A shard is free when owner IS NULL
 *   (released on shutdown) or lease_until has passed (its owner died). `epoch` grows with every
 *   change of owner: logs and metrics show hand-overs with it.
 * relay_instances: live relay instances (heartbeat expires_at), so each one can compute its fair
 *   share of the shards, ceil(64 / live instances).
 */
export const RELAY_SHARD_COUNT = 64;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE relay_shard_leases (
      shard SMALLINT UNSIGNED NOT NULL,
      owner VARCHAR(128) NULL,
      lease_until DATETIME(3) NOT NULL DEFAULT '1970-01-01 00:00:00.000',
      epoch BIGINT UNSIGNED NOT NULL DEFAULT 0,
      acquired_at DATETIME(3) NULL,
      PRIMARY KEY (shard),
      KEY ix_relay_shard_leases_owner (owner)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  await sql`
    CREATE TABLE relay_instances (
      instance_id VARCHAR(128) NOT NULL,
      started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      expires_at DATETIME(3) NOT NULL,
      PRIMARY KEY (instance_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  const shards = Array.from({ length: RELAY_SHARD_COUNT }, (_, shard) => sql`(${shard})`);
  await sql`INSERT INTO relay_shard_leases (shard) VALUES ${sql.join(shards)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS relay_instances`.execute(db);
  await sql`DROP TABLE IF EXISTS relay_shard_leases`.execute(db);
}
