import { AuthlogError } from './authlog-error.js';

/**
 * A retry loop gave up because the component is stopping (shutdown deadline, Ctrl-C). The work it
 * held was not acknowledged (no offset committed, no checkpoint written), so it is done again on
 * the next start.
 */
export class RetryAbortedError extends AuthlogError {
  readonly code = 'RETRY_ABORTED';
  readonly retryable = true;

  constructor(what: string, options: { cause?: unknown } = {}) {
    super(`${what}: stopped while retrying`, options);
  }
}
