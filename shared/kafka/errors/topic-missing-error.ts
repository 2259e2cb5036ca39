import { AuthlogError } from '../../errors/authlog-error.js';

/**
 * A topic a consumer needs is not usable: it does not exist (auto-creation is off; the relay or an
 * operator creates it), or some of its partitions have no leader yet (a brand-new topic on a
 * brand-new broker).
 */
export class TopicMissingError extends AuthlogError {
  readonly code = 'TOPIC_MISSING';
  readonly retryable = true;

  constructor(
    readonly topic: string,
    waitedMs: number,
    detail = 'does not exist',
  ) {
    super(`Kafka topic ${topic} ${detail} (waited ${waitedMs} ms); create it or start the relay first`);
  }
}
