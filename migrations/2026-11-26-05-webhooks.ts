import { sql, type Kysely } from 'kysely';

/**
 * Customer webhooks (services/webhook-api, services/webhook-dispatcher, shared/webhooks).
 *
 * - webhook_endpoints: one row per subscribed URL, always read and written with its account_id.
 *   `filters` is JSON text ({event_types, results, reasons, applications}; an empty list means
 *   "any"). `failing_since` starts the clock of the 5-day auto-disable and is cleared by a success.
 * - webhook_secrets: signing secrets (`whsec_...`). The current one has expires_at NULL; a rotation
 *   gives the previous one an expiry 24 h ahead, and both sign until then.
 * - webhook_messages: the durable state of a message to an endpoint that Redis alone must not hold:
 *   messages whose retries ran out (status `failed`, recoverable), test messages and replays in
 *   flight (`pending`), and those later delivered. It keeps the body that was sent, so a failed
 *   message can be recovered after the event left Kafka and even when it never was in authlog
 *   (test events). Messages delivered on their first try never get a row: their event is in authlog.
 * - webhook_attempts: every delivery attempt (time, status, latency, error, response excerpt),
 *   append-only, read newest first per endpoint.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_endpoints (
      id VARCHAR(32) NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      url VARCHAR(2048) NOT NULL,
      description VARCHAR(512) NOT NULL DEFAULT '',
      filters TEXT NOT NULL,
      rate_limit_per_second INT UNSIGNED NULL,
      max_concurrency SMALLINT UNSIGNED NOT NULL,
      enabled TINYINT(1) NOT NULL DEFAULT 1,
      disabled_reason VARCHAR(32) NULL,
      disabled_detail VARCHAR(512) NULL,
      disabled_at DATETIME(3) NULL,
      failing_since DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      KEY ix_webhook_endpoints_account (account_id, id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);

  await sql`
    CREATE TABLE webhook_secrets (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      endpoint_id VARCHAR(32) NOT NULL,
      secret VARCHAR(100) NOT NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      expires_at DATETIME(3) NULL,
      PRIMARY KEY (id),
      KEY ix_webhook_secrets_endpoint (endpoint_id, id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);

  await sql`
    CREATE TABLE webhook_messages (
      endpoint_id VARCHAR(32) NOT NULL,
      message_id VARCHAR(64) NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      event_type VARCHAR(64) NOT NULL,
      body MEDIUMTEXT NOT NULL,
      status VARCHAR(16) NOT NULL,
      last_error VARCHAR(512) NULL,
      failed_at DATETIME(3) NULL,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (endpoint_id, message_id),
      KEY ix_webhook_messages_status (endpoint_id, status, failed_at)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);

  await sql`
    CREATE TABLE webhook_attempts (
      id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
      endpoint_id VARCHAR(32) NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      message_id VARCHAR(64) NOT NULL,
      attempt SMALLINT UNSIGNED NOT NULL,
      trigger_type VARCHAR(16) NOT NULL,
      attempted_at DATETIME(3) NOT NULL,
      outcome VARCHAR(16) NOT NULL,
      status_code SMALLINT UNSIGNED NULL,
      latency_ms INT UNSIGNED NOT NULL,
      error_code VARCHAR(64) NULL,
      error VARCHAR(512) NULL,
      response_excerpt VARCHAR(1024) NULL,
      PRIMARY KEY (id),
      KEY ix_webhook_attempts_endpoint (endpoint_id, id),
      KEY ix_webhook_attempts_message (endpoint_id, message_id, id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS webhook_attempts`.execute(db);
  await sql`DROP TABLE IF EXISTS webhook_messages`.execute(db);
  await sql`DROP TABLE IF EXISTS webhook_secrets`.execute(db);
  await sql`DROP TABLE IF EXISTS webhook_endpoints`.execute(db);
}
