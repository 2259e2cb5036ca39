import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/**
 * Kafka did not acknowledge a batch (broker down, timeout, rejected request). The first
 * `acknowledged` messages were acknowledged before the failure; the rest is retried, in order.
 */
export class KafkaPublishError extends AuthlogError {
  readonly code = 'RELAY_KAFKA_PUBLISH_FAILED';
  readonly retryable = true;

  constructor(
    readonly acknowledged: number,
    readonly total: number,
    cause: unknown,
  ) {
    super(`Kafka acknowledged ${acknowledged} of ${total} messages: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
