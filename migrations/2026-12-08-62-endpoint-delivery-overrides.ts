import { sql, type Kysely } from 'kysely';

/**
 * Per-endpoint overrides of the dispatcher's delivery settings (issue 16): `timeout_ms` replaces
 * WEBHOOK_TIMEOUT_MS for the endpoint's requests, `retry_schedule` (JSON array of the waits after
 * each failed attempt, e.g. ["5s","5m","30m"]) replaces WEBHOOK_RETRY_SCHEDULE. NULL: the service's.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    ALTER TABLE webhook_endpoints
      ADD COLUMN timeout_ms INT UNSIGNED NULL,
      ADD COLUMN retry_schedule VARCHAR(1024) NULL
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE webhook_endpoints DROP COLUMN retry_schedule, DROP COLUMN timeout_ms`.execute(db);
}
