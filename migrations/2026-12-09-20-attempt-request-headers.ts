import { sql, type Kysely } from 'kysely';

/**
 * The request headers each delivery attempt sent (issue 16: the attempt log shows them), as JSON
 * text of a name-to-value object with the endpoint's custom header values redacted. TEXT rather than
 * JSON: the dispatcher writes it from JSON.stringify on the hot path, and MariaDB's JSON is a
 * LONGTEXT with a JSON_VALID check on every insert, work that buys nothing here. NULL for attempts
 * logged before this column existed. Added last, so MariaDB and MySQL 8 add it instantly (no copy
 * of a large log).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_attempts ADD COLUMN request_headers TEXT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_attempts DROP COLUMN request_headers`.execute(db);
}
