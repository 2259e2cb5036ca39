import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** Elasticsearch rejected a query we built: a bug on our side, not the caller's; the API answers 500. */
export class SearchFailedError extends AuthlogError {
  readonly code = 'SEARCH_FAILED';
  readonly retryable = false;

  constructor(
    readonly status: number | undefined,
    readonly reason: string,
    cause: unknown,
  ) {
    super(`Elasticsearch rejected a query (${status ?? '?'}): ${reason}`, { cause });
  }
}
