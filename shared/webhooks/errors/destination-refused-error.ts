import { AuthlogError } from '../../errors/authlog-error.js';

/**
 * A webhook destination is not allowed: a non-public address (SSRF guard), plain http when only
 * https is, or a URL we cannot send to. Retrying cannot help until the endpoint or its DNS changes.
 */
export class DestinationRefusedError extends AuthlogError {
  readonly code = 'DESTINATION_REFUSED';
  readonly retryable = false;

  constructor(
    readonly host: string,
    readonly reason: string,
  ) {
    super(`refused to connect to ${host}: ${reason}`);
  }
}
