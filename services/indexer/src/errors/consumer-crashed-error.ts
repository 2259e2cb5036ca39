import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** kafkajs gave up on the consumer (a crash it will not restart from): the process must restart. */
export class ConsumerCrashedError extends AuthlogError {
  readonly code = 'CONSUMER_CRASHED';
  readonly retryable = false;

  constructor(groupId: string, cause: unknown) {
    super(`Kafka consumer of group ${groupId} crashed and will not restart by itself`, { cause });
  }
}
