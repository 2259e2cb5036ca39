import type { ColumnType } from 'kysely';

/**
 * Kysely type of migrations/2026-12-07-81-event-publications.ts: where the relay published each
 * event (written by services/relay/src/outbox-settler.ts, read by the trace API). kafka_offset is
 * read as a string: offsets are 64-bit.
 */
export interface EventPublicationsTable {
  authlog_id: number;
  kafka_partition: number;
  kafka_offset: ColumnType<string, string, never>;
  acked_at: Date;
  publications: number;
}
