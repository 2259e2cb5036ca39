import { sql, type Kysely } from 'kysely';

/**
 * The audit log of changes made through the customer APIs (issue 16; shared/audit): who (the API
 * key), when, what (action, route, target id, the names of the fields sent, never their values)
 * and the answer's status. A row is written before the change runs with `status` NULL and
 * completed after the answer, so a row left NULL says "outcome unknown" (the instance died). Read
 * per account newest first by `id` (the cursor); pruned by time by the lifecycle service.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE audit_log (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      account_id VARCHAR(64) NOT NULL,
      occurred_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      key_id VARCHAR(16) NOT NULL,
      action VARCHAR(64) NOT NULL,
      method VARCHAR(8) NOT NULL,
      route VARCHAR(255) NOT NULL,
      target_id VARCHAR(64) NULL,
      fields TEXT NOT NULL,
      status SMALLINT UNSIGNED NULL,
      error_code VARCHAR(64) NULL,
      PRIMARY KEY (id),
      KEY ix_audit_log_account (account_id, id),
      KEY ix_audit_log_time (occurred_at)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS audit_log`.execute(db);
}
