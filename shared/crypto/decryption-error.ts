import { AuthlogError } from '../errors/authlog-error.js';

/** A stored value does not open: its key is missing from the ring, or the bytes or their row do not match. */
export class DecryptionError extends AuthlogError {
  readonly code = 'DECRYPTION_FAILED';
  readonly retryable = false;

  constructor(
    readonly keyId: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot decrypt a stored secret (key ${keyId}): ${reason}`, options);
  }
}
