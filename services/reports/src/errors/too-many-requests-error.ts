import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** An account already runs as many exports or exact counts as it may at once: 429, retry later. */
export class TooManyRequestsError extends AuthlogError {
  readonly code = 'TOO_MANY_REQUESTS';
  readonly retryable = true;

  constructor(readonly limit: number) {
    super(`at most ${limit} exports or exact counts may run at once per account; retry when one has finished`);
  }
}
