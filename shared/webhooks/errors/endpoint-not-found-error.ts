import { AuthlogError } from '../../errors/authlog-error.js';

/** No endpoint with this id for the caller's account: unknown and foreign ids alike (the API answers 404). */
export class EndpointNotFoundError extends AuthlogError {
  readonly code = 'ENDPOINT_NOT_FOUND';
  readonly retryable = false;

  constructor(readonly endpointId: string) {
    super(`no webhook endpoint ${endpointId}`);
  }
}
