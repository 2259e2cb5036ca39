import { AuthlogError } from '../../../shared/errors/authlog-error.js';

/** The demo's deliberate failure after recording: the transaction rolls back, the login is refused. */
export class LoginAbortedError extends AuthlogError {
  readonly code = 'LOGIN_ABORTED';
  readonly retryable = true;

  constructor(readonly txid: string) {
    super(`login ${txid} aborted after recording (simulated): its record was rolled back`);
  }
}
