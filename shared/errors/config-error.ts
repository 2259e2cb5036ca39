import { AuthlogError } from './authlog-error.js';

/** A setting is missing or malformed. Stops the process at start, naming the variable. */
export class ConfigError extends AuthlogError {
  readonly code = 'CONFIG_INVALID';
  readonly retryable = false;

  constructor(
    readonly variable: string,
    readonly expected: string,
  ) {
    super(`invalid configuration: ${variable} ${expected}`);
  }
}
