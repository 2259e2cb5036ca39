import { sql, type Kysely } from 'kysely';

/**
 * Operational webhooks (issue 16; shared/webhooks/operational): at most one endpoint per account
 * (the UNIQUE key decides it, also under concurrent PUTs) that receives notices about the account's
 * own endpoints and messages (endpoint.disabled, message.attempt.failing...). Its signing secrets
 * live in webhook_secrets and its attempts in webhook_attempts under its id (`op_...`), so the
 * sealing, rotation and attempt-log code is the customer endpoints' own. It never receives auth
 * events: the fan-out reads webhook_endpoints only.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE webhook_operational_endpoints (
      id VARCHAR(32) NOT NULL,
      account_id VARCHAR(64) NOT NULL,
      url VARCHAR(2048) NOT NULL,
      description VARCHAR(512) NOT NULL DEFAULT '',
      enabled TINYINT(1) NOT NULL DEFAULT 1,
      created_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (id),
      UNIQUE KEY ux_webhook_operational_endpoints_account (account_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM webhook_secrets WHERE endpoint_id LIKE 'op\\_%'`.execute(db);
  await sql`DROP TABLE IF EXISTS webhook_operational_endpoints`.execute(db);
}
