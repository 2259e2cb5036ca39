import { sql, type Kysely } from 'kysely';

/**
 * Drops event_publications (2026-12-07-81): the relay no longer records where each event went.
 * Issue 17 asks lineage to cost the relay less than 5%, and the INSERT of one row per event before
 * every batch's DELETE did not (services/relay/README.md, "Lineage"). The indexer already receives
 * each message's partition, offset and timestamp from Kafka and writes them into the event's
 * document (`kafka`, not indexed), where the trace reads them; they leave with the monthly index.
 * Traces of events indexed before the change say "published, position not recorded".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS event_publications`.execute(db);
}

/** Recreates the table empty (as 2026-12-07-81 made it); what it held is not restored. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS event_publications (
      authlog_id BIGINT UNSIGNED NOT NULL,
      kafka_partition SMALLINT UNSIGNED NOT NULL,
      kafka_offset BIGINT UNSIGNED NOT NULL,
      acked_at DATETIME(3) NOT NULL,
      publications SMALLINT UNSIGNED NOT NULL DEFAULT 1,
      PRIMARY KEY (authlog_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}
