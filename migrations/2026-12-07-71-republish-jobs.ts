import { sql, type Kysely } from 'kysely';

/**
 * Checkpoints of npm run republish (services/republish): one row per job, its filter and target
 * topic, and the last authlog id whose row Kafka has acknowledged. max_id, fixed when the job is
 * created, bounds it (later rows reach consumers through the live relay). A crash repeats at most
 * the batch after last_id (same ce_id: consumers dedupe); rows_published counts each row once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE republish_jobs (
      job_name VARCHAR(128) NOT NULL,
      filter_json VARCHAR(1024) NOT NULL,
      first_id BIGINT UNSIGNED NOT NULL,
      last_id BIGINT UNSIGNED NOT NULL,
      max_id BIGINT UNSIGNED NOT NULL,
      rows_published BIGINT UNSIGNED NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      completed_at DATETIME(3) NULL,
      PRIMARY KEY (job_name)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS republish_jobs`.execute(db);
}
