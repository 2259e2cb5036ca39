import { AuthlogError } from '../../../../shared/errors/authlog-error.js';
import { elasticsearchFailureKind, type ElasticsearchFailureKind } from '../elasticsearch-failure-kind.js';

/**
 * A whole _bulk request failed (no per-document answers). `kind` (elasticsearchFailureKind, from
 * the HTTP status and Elasticsearch's error type) decides what happens: `busy` and `cluster`
 * (connection refused or reset, timeout, 429, 5xx, 401/403/404, a closed or blocked index) are
 * retryable, the same bulk is sent again, never skipped; `document` (400, 413) blames the request
 * body: the indexer splits the bulk to find the one document at fault and dead-letters it.
 */
export class BulkRequestError extends AuthlogError {
  readonly code = 'BULK_REQUEST_FAILED';
  readonly kind: ElasticsearchFailureKind;
  readonly retryable: boolean;

  constructor(
    message: string,
    readonly statusCode: number | null,
    options: { cause?: unknown; errorType?: string } = {},
  ) {
    super(message, options);
    this.kind = elasticsearchFailureKind(statusCode, options.errorType);
    this.retryable = this.kind !== 'document';
  }
}
