import { sql, type Kysely } from 'kysely';

/**
 * Hourly rollups of the attempt log for `GET /v1/endpoints/:id/stats` (services/webhook-api/src/stats/):
 * per endpoint and hour, attempts by outcome and a latency histogram (l0..l11, bounds in
 * latency-buckets.ts), so the statistics of 28 days read at most 672 rows instead of the log.
 * webhook_rollup_state keeps the job's watermark (attempts with id <= watermark are counted) and
 * the horizon it may advance to on its next run (see attempt-rollup.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  const buckets = Array.from({ length: 12 }, (_, index) => sql.raw(`l${index} INT UNSIGNED NOT NULL DEFAULT 0,`));
  await sql`
    CREATE TABLE webhook_attempt_hours (
      endpoint_id VARCHAR(32) NOT NULL,
      hour DATETIME NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      successes INT UNSIGNED NOT NULL DEFAULT 0,
      failures INT UNSIGNED NOT NULL DEFAULT 0,
      ${sql.join(buckets, sql.raw(' '))}
      PRIMARY KEY (endpoint_id, hour),
      KEY ix_webhook_attempt_hours_hour (hour)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  await sql`
    CREATE TABLE webhook_rollup_state (
      name VARCHAR(32) NOT NULL,
      watermark BIGINT UNSIGNED NOT NULL,
      horizon BIGINT UNSIGNED NOT NULL,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (name)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  await sql`INSERT INTO webhook_rollup_state (name, watermark, horizon) VALUES ('attempt_hours', 0, 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS webhook_rollup_state`.execute(db);
  await sql`DROP TABLE IF EXISTS webhook_attempt_hours`.execute(db);
}
