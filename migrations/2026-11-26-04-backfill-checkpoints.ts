import { sql, type Kysely } from 'kysely';

/**
 * Checkpoints of the Elasticsearch backfill (services/indexer/src/backfill): one row per job, with
 * the filter it was started with and the last authlog id it has fully handled, written in the same
 * transaction as the rows it could not index, after each successful bulk. A job resumes from
 * last_id after a crash or Ctrl-C; max_id, fixed when the job is created, bounds it (later rows are
 * the live indexer's). Rejected rows are kept for an operator to look at, never silently skipped.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE indexer_backfill_jobs (
      job_name VARCHAR(128) NOT NULL,
      filter_json VARCHAR(1024) NOT NULL,
      first_id BIGINT UNSIGNED NOT NULL,
      last_id BIGINT UNSIGNED NOT NULL,
      max_id BIGINT UNSIGNED NOT NULL,
      rows_indexed BIGINT UNSIGNED NOT NULL DEFAULT 0,
      rows_rejected BIGINT UNSIGNED NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      completed_at DATETIME(3) NULL,
      PRIMARY KEY (job_name)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  await sql`
    CREATE TABLE indexer_backfill_rejections (
      job_name VARCHAR(128) NOT NULL,
      authlog_id BIGINT UNSIGNED NOT NULL,
      txid VARCHAR(64) NULL,
      reason VARCHAR(64) NOT NULL,
      error TEXT NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      PRIMARY KEY (job_name, authlog_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS indexer_backfill_rejections`.execute(db);
  await sql`DROP TABLE IF EXISTS indexer_backfill_jobs`.execute(db);
}
