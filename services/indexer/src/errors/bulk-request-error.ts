import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/**
 * A whole _bulk request failed (no per-document answers). `retryable` is true when Elasticsearch
 * could not take the request right now (connection refused or reset, timeout, 429, 5xx, and the
 * cluster-wide 401/403/404 an operator has to fix): the same bulk is sent again, never skipped.
 * It is false for 400 and 413, which blame the request body: the indexer splits the bulk to find
 * the one document at fault and dead-letters it.
 */
export class BulkRequestError extends AuthlogError {
  readonly code = 'BULK_REQUEST_FAILED';
  readonly retryable: boolean;

  constructor(
    message: string,
    readonly statusCode: number | null,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.retryable = statusCode === null || !(statusCode === 400 || statusCode === 413);
  }
}
