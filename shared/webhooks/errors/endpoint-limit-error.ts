import { AuthlogError } from '../../errors/authlog-error.js';

/** The account already has as many endpoints as it may: the API answers 409 ENDPOINT_LIMIT_REACHED. */
export class EndpointLimitError extends AuthlogError {
  readonly code = 'ENDPOINT_LIMIT_REACHED';
  readonly retryable = false;

  constructor(readonly limit: number) {
    super(`an account has at most ${limit} endpoints`);
  }
}
