import { sql, type Kysely } from 'kysely';

/**
 * What services/lifecycle did: one row per job run (which instance held the job's GET_LOCK, when,
 * how it ended, what it removed), so "what deleted my data, and when" has an answer in SQL. The
 * indices support the chunked webhook pruning by age (webhook_attempts.attempted_at,
 * webhook_messages.created_at), which would otherwise scan the tables.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE lifecycle_job_runs (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      job_name VARCHAR(64) NOT NULL,
      instance VARCHAR(128) NOT NULL,
      started_at DATETIME(3) NOT NULL,
      finished_at DATETIME(3) NOT NULL,
      status VARCHAR(16) NOT NULL,
      removed BIGINT UNSIGNED NOT NULL DEFAULT 0,
      details TEXT NOT NULL,
      error TEXT NULL,
      PRIMARY KEY (id),
      KEY ix_lifecycle_job_runs_job (job_name, id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  await sql`ALTER TABLE webhook_attempts ADD KEY ix_webhook_attempts_time (attempted_at)`.execute(db);
  await sql`ALTER TABLE webhook_messages ADD KEY ix_webhook_messages_created (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_messages DROP KEY ix_webhook_messages_created`.execute(db);
  await sql`ALTER TABLE webhook_attempts DROP KEY ix_webhook_attempts_time`.execute(db);
  await sql`DROP TABLE IF EXISTS lifecycle_job_runs`.execute(db);
}
