import type { AuthEvent } from '../event/auth-event.js';

/**
 * Where the indexer read an event (lineage, issue 17): the Kafka partition, offset and record
 * timestamp (CreateTime, milliseconds: the relay's clock when it sent the event), as kafkajs gives
 * them. Absent from documents not read from Kafka (the backfill indexes from the Authlog).
 */
export interface DocumentKafkaPosition {
  readonly partition: number;
  readonly offset: string;
  readonly timestamp: string;
}

/** The Elasticsearch document of an event: the event as it is, plus when it was indexed and, if read from Kafka, where. */
export type EventDocument = AuthEvent & { readonly indexed_at: string; readonly kafka?: DocumentKafkaPosition };

export function toEventDocument(event: AuthEvent, indexedAt: Date, kafka?: DocumentKafkaPosition): EventDocument {
  return kafka === undefined ? { ...event, indexed_at: indexedAt.toISOString() } : { ...event, kafka, indexed_at: indexedAt.toISOString() };
}
