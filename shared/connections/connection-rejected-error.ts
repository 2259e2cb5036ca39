import { AuthlogError } from '../errors/authlog-error.js';

export type Engine = 'mysql' | 'kafka' | 'elasticsearch' | 'redis';

/**
 * An engine refused this service's credentials or TLS settings at start-up: a wrong or missing
 * password, an unknown user, a certificate the CA setting does not trust. Retrying cannot help;
 * the service stops naming the engine and the setting to fix (exit 2, like a malformed setting).
 */
export class ConnectionRejectedError extends AuthlogError {
  readonly code = 'CONNECTION_REJECTED';
  readonly retryable = false;

  constructor(
    readonly engine: Engine,
    readonly variable: string,
    readonly problem: string,
    options?: { cause?: unknown },
  ) {
    super(`${engine} refused the connection: ${problem}; check ${variable}`, options);
  }
}
