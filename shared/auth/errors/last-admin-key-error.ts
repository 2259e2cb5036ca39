import { AuthlogError } from '../../errors/authlog-error.js';

/** Revoking this key would leave its account without a live `keys:admin` key, locked out of key management. */
export class LastAdminKeyError extends AuthlogError {
  readonly code = 'LAST_ADMIN_KEY';
  readonly retryable = false;

  constructor(readonly keyId: string) {
    super(`API key ${keyId} is the account's last live key with keys:admin: create another admin key before revoking it`);
  }
}
