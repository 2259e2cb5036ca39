import { AuthlogError } from '../errors/authlog-error.js';

/**
 * The txid was already recorded for another account. A retry repeats the same event; this is a
 * different event reusing an id, which must not be silently merged into the first.
 */
export class IdempotencyConflictError extends AuthlogError {
  readonly code = 'IDEMPOTENCY_CONFLICT';
  readonly retryable = false;

  constructor(
    readonly txid: string,
    readonly existingAccountId: string,
  ) {
    super(`txid ${txid} is already recorded for another account`);
  }
}
