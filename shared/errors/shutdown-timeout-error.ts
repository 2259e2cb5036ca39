import { AuthlogError } from './authlog-error.js';

/** Draining did not finish within the shutdown deadline; the process exits non-zero. */
export class ShutdownTimeoutError extends AuthlogError {
  readonly code = 'SHUTDOWN_TIMEOUT';
  readonly retryable = false;

  constructor(readonly deadlineMs: number) {
    super(`shutdown did not complete within ${deadlineMs} ms`);
  }
}
