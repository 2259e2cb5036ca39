/**
 * Headers the indexer adds to a dead-lettered message, next to the original key, value and headers
 * (which are kept byte for byte, so the message can be fixed and re-published to the events topic).
 */
export const DEAD_LETTER_HEADERS = Object.freeze({
  /** Stable code: MALFORMED_CLOUD_EVENT, INVALID_JSON, VALIDATION_FAILED, ID_MISMATCH, DOCUMENT_TOO_LARGE, ES_REJECTED, ES_REQUEST_REJECTED. */
  reason: 'authlog-dlq-reason',
  /** What was wrong, for a human (at most 4 KB). */
  error: 'authlog-dlq-error',
  sourceTopic: 'authlog-dlq-source-topic',
  sourcePartition: 'authlog-dlq-source-partition',
  sourceOffset: 'authlog-dlq-source-offset',
  /** Kafka timestamp of the original message (ms since epoch). */
  sourceTimestamp: 'authlog-dlq-source-timestamp',
  consumerGroup: 'authlog-dlq-consumer-group',
  /** When the indexer gave up on it (ISO 8601). */
  failedAt: 'authlog-dlq-failed-at',
});
