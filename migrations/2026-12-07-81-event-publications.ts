import { sql, type Kysely } from 'kysely';

/**
 * Where the relay published each event (issue 17, lineage): the Kafka partition and offset of the
 * first publication and when Kafka acknowledged it (the relay's clock), keyed by authlog.id.
 *
 * Written by the relay in the same round trip that deletes (or marks) the outbox rows it published
 * (services/relay/src/outbox-settler.ts), so it costs no extra trip and no read: the outbox row
 * itself is gone a moment later, and this narrow row (about 30 bytes) is what is left to answer
 * "was it published, where, when". Keyed by authlog.id, which grows with time, so inserts append
 * to the end of the primary key. A repeated publication (after a relay crash) keeps the first
 * position and counts the repeat in `publications`.
 *
 * Retention follows authlog's (docs/authlog-storage.md): rows of events older than it can be
 * deleted by authlog_id range.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE event_publications (
      authlog_id BIGINT UNSIGNED NOT NULL,
      kafka_partition SMALLINT UNSIGNED NOT NULL,
      kafka_offset BIGINT UNSIGNED NOT NULL,
      acked_at DATETIME(3) NOT NULL,
      publications SMALLINT UNSIGNED NOT NULL DEFAULT 1,
      PRIMARY KEY (authlog_id)
    ) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE IF EXISTS event_publications`.execute(db);
}
