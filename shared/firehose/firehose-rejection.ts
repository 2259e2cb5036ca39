import { AuthlogError } from '../errors/authlog-error.js';

/**
 * Thrown by a firehose handler for an event it can never handle (its own rules, not a passing
 * outage): the event is dead-lettered with `reason` (HANDLER_REJECTED unless given) and the consumer
 * moves on. Any other error is retried.
 */
export class FirehoseRejection extends AuthlogError {
  readonly code = 'HANDLER_REJECTED';
  readonly retryable = false;

  constructor(
    message: string,
    readonly reason: string = 'HANDLER_REJECTED',
  ) {
    super(message);
  }
}
