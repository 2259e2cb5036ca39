/**
 * The answer of GET /v1/events/:txid/trace: every hop of one event, each saying what is recorded,
 * or "not_yet" (still within the pipeline margin after the hop before it) or "missing" (past it),
 * or "unknown" when the hop happened but its details were not recorded. Nothing is inferred
 * beyond what the tables and the index say.
 */
export type HopStatus = 'done' | 'not_yet' | 'missing' | 'unknown';

export interface CommittedHop {
  readonly status: 'done';
  /** authlog.recorded_at: when the row was written (database clock). */
  readonly at: string;
  /** The event's own timestamp. */
  readonly occurred_at: string;
}

/**
 * Where Kafka holds the event, as the indexer read it (kept in the event's document): partition,
 * offset and `acked_at`, the record's timestamp (CreateTime: the relay's clock when it sent the
 * request Kafka then acknowledged with acks=all, a produce round trip later). After a relay crash
 * an event may be in Kafka twice (same id): the document keeps the position of the copy indexed last.
 */
export interface PublishedHop {
  readonly status: HopStatus;
  readonly partition?: number;
  readonly offset?: string;
  readonly acked_at?: string;
  readonly detail?: string;
}

export interface IndexedHop {
  readonly status: HopStatus;
  readonly index?: string;
  readonly indexed_at?: string;
  readonly detail?: string;
}

export type DeliveryStatus =
  | 'delivered'
  | 'failed'
  | 'retrying'
  | 'filtered_out'
  | 'endpoint_disabled'
  | 'created_after_event'
  | 'not_yet'
  | 'missing';

export interface TraceAttempt {
  readonly attempt: number;
  readonly at: string;
  readonly trigger: string;
  readonly outcome: string;
  readonly status_code: number | null;
  readonly latency_ms: number;
  readonly error_code: string | null;
  readonly error: string | null;
}

export interface WebhookHop {
  readonly endpoint_id: string;
  readonly description: string;
  readonly filters_match: boolean;
  readonly status: DeliveryStatus;
  readonly detail: string;
  readonly attempts: readonly TraceAttempt[];
}

export interface EventTrace {
  readonly txid: string;
  readonly account_id: string;
  /** How long after a hop the next one counts as missing rather than not yet (REPORTS_PIPELINE_MARGIN_SECONDS). */
  readonly margin_seconds: number;
  readonly committed: CommittedHop;
  readonly published: PublishedHop;
  readonly indexed: IndexedHop;
  readonly webhooks: readonly WebhookHop[];
}
