import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/**
 * The indexer stopped before every fetched message was indexed and committed (Elasticsearch or
 * Kafka still failing at the drain deadline). Nothing is lost: the uncommitted messages are
 * delivered again to whichever instance next owns their partitions. The process exits non-zero.
 */
export class DrainIncompleteError extends AuthlogError {
  readonly code = 'DRAIN_INCOMPLETE';
  readonly retryable = false;

  constructor(readonly pendingBulks: number, options: { cause?: unknown } = {}) {
    super(`stopped with ${pendingBulks} bulk(s) not indexed or not committed; they will be re-delivered`, options);
  }
}
