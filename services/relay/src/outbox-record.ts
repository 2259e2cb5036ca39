/** One unpublished outbox row with what the Kafka message needs, read in one query with its payload. */
export interface OutboxRecord {
  readonly id: number;
  readonly shard: number;
  readonly accountId: string;
  readonly txid: string;
  readonly eventType: string;
  readonly schemaVersion: number;
  /** authlog.occurred_at: the event's timestamp (ce_time). */
  readonly occurredAt: Date;
  /** When the outbox row was inserted (database clock): the start of the commit-to-Kafka lag. */
  readonly createdAt: Date;
  readonly traceparent: string | null;
  readonly tracestate: string | null;
  /** The event JSON exactly as stored in authlog.payload; null if the authlog row is gone. */
  readonly payload: Buffer | null;
}
