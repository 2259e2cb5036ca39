import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** Reading unpublished rows from MySQL failed; nothing was published, the read is retried. */
export class OutboxReadError extends AuthlogError {
  readonly code = 'RELAY_OUTBOX_READ_FAILED';
  readonly retryable = true;

  constructor(cause: unknown) {
    super(`reading the outbox failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
