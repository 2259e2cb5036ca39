import { AuthlogError } from '../../../shared/errors/authlog-error.js';

/**
 * One delivery attempt failed (non-2xx, timeout, network error, refused destination). Thrown out
 * of the BullMQ processor so BullMQ schedules the next attempt; the retry strategy reads
 * `retryAfterMs` (a receiver's Retry-After on 429/503), else `scheduledDelayMs` (the wait of the
 * endpoint's own retry schedule), and `retryable`.
 */
export class DeliveryFailedError extends AuthlogError {
  readonly code = 'WEBHOOK_DELIVERY_FAILED';

  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs: number | undefined,
    readonly scheduledDelayMs?: number,
  ) {
    super(message);
  }
}
