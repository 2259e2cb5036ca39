import { sql, type Kysely } from 'kysely';

/**
 * The Authlog (system of record) and the transactional outbox.
 *
 * authlog is planned for billions of rows (see docs/authlog-storage.md):
 * - the event is stored once, as JSON text in `payload`; the filterable fields are VIRTUAL
 *   generated columns (no bytes written, no cost on the login path) for ad-hoc and ground-truth SQL;
 * - txid is unique: it is the idempotency key, and a client retrying a login sends the same txid
 *   but not necessarily the same timestamp. The primary key (id, occurred_at) is ready for monthly
 *   RANGE partitioning on occurred_at; the txid key is the one thing partitioning will change
 *   (MySQL requires the partitioning column in every unique key), see docs/authlog-storage.md;
 * - (account_id, occurred_at) serves per-account time-range reads; the primary key serves backfill
 *   scans in id order with keyset pagination.
 *
 * outbox holds one small row per event: the payload is not copied, the relay reads it from authlog
 * by primary key. `shard` is derived by the database so writers need no shard configuration.
 * The relay (services/relay) reads each shard's unpublished rows in id order through
 * ix_outbox_unpublished, then deletes them, or sets published_at when a retention period is
 * configured (its cleaner deletes them later through the same index).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE authlog (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      occurred_at DATETIME(3) NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      txid VARCHAR(64) NOT NULL,
      payload MEDIUMTEXT NOT NULL,
      recorded_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      event_type VARCHAR(16) AS (JSON_UNQUOTE(JSON_EXTRACT(payload, '$.event_type'))) VIRTUAL,
      result VARCHAR(16) AS (JSON_UNQUOTE(JSON_EXTRACT(payload, '$.result'))) VIRTUAL,
      reason VARCHAR(64) AS (JSON_UNQUOTE(JSON_EXTRACT(payload, '$.reason'))) VIRTUAL,
      factor VARCHAR(32) AS (JSON_UNQUOTE(JSON_EXTRACT(payload, '$.factor'))) VIRTUAL,
      user_key VARCHAR(64) AS (JSON_UNQUOTE(JSON_EXTRACT(payload, '$.user.key'))) VIRTUAL,
      application_key VARCHAR(64) AS (JSON_UNQUOTE(JSON_EXTRACT(payload, '$.application.key'))) VIRTUAL,
      PRIMARY KEY (id, occurred_at),
      UNIQUE KEY uq_authlog_txid (txid),
      KEY ix_authlog_account_time (account_id, occurred_at)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);

  await sql`
    CREATE TABLE outbox (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      authlog_id BIGINT UNSIGNED NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      shard SMALLINT UNSIGNED AS (CRC32(account_id) % 64) STORED,
      event_type VARCHAR(32) NOT NULL,
      schema_version SMALLINT UNSIGNED NOT NULL,
      traceparent VARCHAR(55) NULL,
      tracestate VARCHAR(512) NULL,
      created_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
      published_at DATETIME(6) NULL,
      PRIMARY KEY (id),
      KEY ix_outbox_unpublished (shard, published_at, id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS outbox`.execute(db);
  await sql`DROP TABLE IF EXISTS authlog`.execute(db);
}
