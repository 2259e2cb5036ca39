/**
 * Headers every consumer of the events topic (indexer, webhook dispatcher) adds to a dead-lettered
 * message, next to the original key, value and headers (kept byte for byte, so the message can be
 * fixed and re-published to the events topic). One schema, one spelling: `authlog-dlq-*`.
 */
export const DEAD_LETTER_HEADERS = Object.freeze({
  /**
   * Stable code. Any consumer: MALFORMED_CLOUD_EVENT, INVALID_JSON, VALIDATION_FAILED, ID_MISMATCH,
   * TYPE_MISMATCH (shared/kafka/event-message-decoder.ts). Indexer: DOCUMENT_TOO_LARGE, ES_REJECTED,
   * ES_REQUEST_REJECTED. Webhook dispatcher: WEBHOOK_BODY_TOO_LARGE.
   */
  reason: 'authlog-dlq-reason',
  /** What was wrong, for a human (at most 4 KB). */
  error: 'authlog-dlq-error',
  sourceTopic: 'authlog-dlq-source-topic',
  sourcePartition: 'authlog-dlq-source-partition',
  sourceOffset: 'authlog-dlq-source-offset',
  /** Kafka timestamp of the original message (ms since epoch). */
  sourceTimestamp: 'authlog-dlq-source-timestamp',
  /** The consumer group that gave up on it (which service, which deployment). */
  consumerGroup: 'authlog-dlq-consumer-group',
  /** When it was given up on (ISO 8601). */
  failedAt: 'authlog-dlq-failed-at',
  /**
   * Present only when the letter did not fit the dead-letter topic: the original value's size in
   * bytes (the value kept is its first bytes; original headers may be dropped too, said here).
   */
  truncated: 'authlog-dlq-truncated',
});
