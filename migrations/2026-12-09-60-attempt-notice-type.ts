import { sql, type Kysely } from 'kysely';

/**
 * The notice type (endpoint.disabled, message.attempt.failing, ...) of an attempt to an operational
 * endpoint, so its attempt log says what each notice was: notices live only in Redis, and a
 * webhook-id alone tells a customer nothing. NULL for deliveries to endpoints and for notices
 * logged before this column. Added last, so MariaDB and MySQL 8 add it instantly (no copy of a large log).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_attempts ADD COLUMN notice_type VARCHAR(64) NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_attempts DROP COLUMN notice_type`.execute(db);
}
