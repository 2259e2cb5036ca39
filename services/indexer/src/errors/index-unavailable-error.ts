import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/**
 * Elasticsearch refused documents for a reason that is the index's or the cluster's, not theirs
 * (elasticsearchFailureKind `cluster`): a closed index, a write block, the shard limit, a missing
 * index with auto-creation off. Always retryable: the same documents are sent again with back-off,
 * offsets stay uncommitted, and they are indexed once an operator fixes the index.
 */
export class IndexUnavailableError extends AuthlogError {
  readonly code = 'INDEX_UNAVAILABLE';
  readonly retryable = true;

  constructor(
    readonly index: string,
    readonly type: string,
    readonly reason: string,
    readonly documents: number,
  ) {
    super(`Elasticsearch refused ${documents} document(s) for index ${index} with ${type}: ${reason}; retrying until the index accepts writes`);
  }
}
