import { AuthlogError } from '../../errors/authlog-error.js';

/** No API key with this id in the caller's account: unknown and foreign ids alike (the API answers 404). */
export class ApiKeyNotFoundError extends AuthlogError {
  readonly code = 'API_KEY_NOT_FOUND';
  readonly retryable = false;

  constructor(readonly keyId: string) {
    super(`no API key ${keyId}`);
  }
}
