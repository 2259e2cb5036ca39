import { sql, type Kysely } from 'kysely';
import { monthsBetween, monthStart, partitionDefinitions } from '../shared/outbox/partitions/monthly-partitions.js';

/** Months created ahead of the current one when the table is partitioned (the lifecycle job keeps it so). */
const AHEAD_MONTHS = 3;

/**
 * Issue 18: the Authlog becomes `PARTITION BY RANGE COLUMNS(occurred_at)`, one partition per UTC
 * month plus pmax (docs/authlog-storage.md), so the lifecycle service expires a month with an
 * instant DROP PARTITION instead of deleting billions of rows.
 *
 * MySQL and MariaDB require the partitioning column in every unique key, so `UNIQUE (txid)` goes:
 * - idempotency moves to `authlog_txid` (txid PRIMARY KEY, the account it was recorded for), a
 *   narrow table written in the same transaction by every write path (the procedures of the next
 *   migration, 2026-12-08-92, and OutboxWriter.recordBatch) and pruned past the retry horizon by the lifecycle
 *   service (RETENTION_AUTHLOG_TXID_DAYS), in chunks, through ix_authlog_txid_recorded;
 * - authlog keeps `UNIQUE (txid, occurred_at)`: lookups by txid still use an index (one dive per
 *   partition), and a retry later than the horizon with the very same timestamp is still caught.
 *
 * The outbox gains `occurred_at` (its authlog row's, NOT NULL): the relay joins authlog on the
 * whole primary key (id, occurred_at), which reaches one partition; by id alone every row's join
 * dives into every partition (measured: 11 index reads per row with 11 partitions, against 1).
 *
 * Works on a table that already holds rows: every txid is copied into authlog_txid (the lifecycle
 * job then prunes those past the horizon), and the partitions run from the oldest row's month to
 * three months ahead. Stop the writers during it (the ALTER copies the table). down() restores the
 * previous shape; it fails if two rows share a txid, which only a retry after the horizon can make.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE authlog_txid (
      txid VARCHAR(64) NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      recorded_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (txid),
      KEY ix_authlog_txid_recorded (recorded_at)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  await sql`INSERT INTO authlog_txid (txid, account_id, recorded_at) SELECT txid, account_id, recorded_at FROM authlog`.execute(db);

  await sql`ALTER TABLE outbox ADD COLUMN occurred_at DATETIME(3) NULL AFTER authlog_id`.execute(db);
  await sql`UPDATE outbox o JOIN authlog a ON a.id = o.authlog_id SET o.occurred_at = a.occurred_at`.execute(db);
  // An outbox row whose authlog row is gone: the relay reports and removes it as before (missing payload).
  await sql`UPDATE outbox SET occurred_at = created_at WHERE occurred_at IS NULL`.execute(db);
  await sql`ALTER TABLE outbox MODIFY COLUMN occurred_at DATETIME(3) NOT NULL`.execute(db);

  const { rows } = await sql<{ oldest: Date | string | null }>`SELECT MIN(occurred_at) AS oldest FROM authlog`.execute(db);
  const now = new Date();
  const oldest = rows[0]?.oldest == null ? now : new Date(rows[0].oldest);
  const months = monthsBetween(oldest.getTime() < now.getTime() ? oldest : now, monthStart(now, AHEAD_MONTHS));
  await sql`
    ALTER TABLE authlog
      DROP INDEX uq_authlog_txid,
      ADD UNIQUE KEY uq_authlog_txid_time (txid, occurred_at)
    PARTITION BY RANGE COLUMNS (occurred_at) (${sql.raw(partitionDefinitions(months))})
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE authlog REMOVE PARTITIONING`.execute(db);
  await sql`ALTER TABLE authlog DROP INDEX uq_authlog_txid_time, ADD UNIQUE KEY uq_authlog_txid (txid)`.execute(db);
  await sql`DROP TABLE IF EXISTS authlog_txid`.execute(db);
  await sql`ALTER TABLE outbox DROP COLUMN occurred_at`.execute(db);
}
