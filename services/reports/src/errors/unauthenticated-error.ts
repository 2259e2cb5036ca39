import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** No, malformed, unknown or revoked API key: the API answers 401 and says nothing more. */
export class UnauthenticatedError extends AuthlogError {
  readonly code = 'UNAUTHENTICATED';
  readonly retryable = false;

  constructor() {
    super('send a valid API key: Authorization: Bearer alk_...');
  }
}
