import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** Elasticsearch could not answer (down, overloaded, timed out): the API answers 503, try again. */
export class SearchUnavailableError extends AuthlogError {
  readonly code = 'SEARCH_UNAVAILABLE';
  readonly retryable = true;

  constructor(cause: unknown) {
    super(`the event store did not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}
