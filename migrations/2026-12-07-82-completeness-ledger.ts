import { sql, type Kysely } from 'kysely';

/**
 * The completeness ledger (services/ledger, issue 17): per account and closed hour of event time,
 * what Authlog committed against what Elasticsearch holds, and per webhook endpoint the events its
 * filters match against those delivered or recorded as failed; with what was found missing and
 * what the ledger repaired. Filled by the ledger job; read by GET /v1/completeness.
 *
 * - completeness_hours: one row per account and hour that has events. status: complete (counts
 *   match), repaired (they match after a repair the ledger made), gap (they still do not).
 * - completeness_endpoint_hours: one row per account, hour and enabled endpoint.
 * - completeness_progress: the next hour the job fills, per index prefix.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE completeness_hours (
      account_id VARCHAR(64) NOT NULL,
      hour_start DATETIME NOT NULL,
      committed INT UNSIGNED NOT NULL,
      indexed INT UNSIGNED NOT NULL,
      documents_missing INT UNSIGNED NOT NULL DEFAULT 0,
      documents_repaired INT UNSIGNED NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL,
      checked_at DATETIME(3) NOT NULL,
      PRIMARY KEY (account_id, hour_start)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  await sql`
    CREATE TABLE completeness_endpoint_hours (
      account_id VARCHAR(64) NOT NULL,
      hour_start DATETIME NOT NULL,
      endpoint_id VARCHAR(32) NOT NULL,
      matched INT UNSIGNED NOT NULL,
      settled INT UNSIGNED NOT NULL,
      deliveries_missing INT UNSIGNED NOT NULL DEFAULT 0,
      deliveries_requeued INT UNSIGNED NOT NULL DEFAULT 0,
      status VARCHAR(16) NOT NULL,
      checked_at DATETIME(3) NOT NULL,
      PRIMARY KEY (account_id, hour_start, endpoint_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
  await sql`
    CREATE TABLE completeness_progress (
      ledger VARCHAR(128) NOT NULL,
      next_hour DATETIME NOT NULL,
      updated_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
      PRIMARY KEY (ledger)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS completeness_progress`.execute(db);
  await sql`DROP TABLE IF EXISTS completeness_endpoint_hours`.execute(db);
  await sql`DROP TABLE IF EXISTS completeness_hours`.execute(db);
}
