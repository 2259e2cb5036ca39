import { AuthlogError } from '../../errors/authlog-error.js';

/** The caller's account has no operational endpoint (the API answers 404). */
export class OperationalEndpointNotFoundError extends AuthlogError {
  readonly code = 'OPERATIONAL_ENDPOINT_NOT_FOUND';
  readonly retryable = false;

  constructor(readonly accountId: string) {
    super('the account has no operational endpoint');
  }
}
