import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/**
 * Kafka acknowledged a batch but deleting (or marking) its rows failed. Retried before anything
 * else of those shards is read; if the process dies first, the rows are published again (duplicates
 * with the same ce_id, which consumers drop).
 */
export class OutboxSettleError extends AuthlogError {
  readonly code = 'RELAY_OUTBOX_SETTLE_FAILED';
  readonly retryable = true;

  constructor(
    readonly rows: number,
    cause: unknown,
  ) {
    super(`removing ${rows} published rows from the outbox failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
