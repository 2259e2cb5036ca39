import { AuthlogError } from '../../errors/authlog-error.js';

/**
 * The Authlog's partitions could not be maintained: the table is not partitioned as
 * migrations/2026-12-08-91 makes it (not retryable), or a DDL statement could not get its metadata
 * lock within the short wait it is given, so as not to hold writers up (retryable: next round).
 */
export class AuthlogPartitionsError extends AuthlogError {
  readonly code: 'AUTHLOG_NOT_PARTITIONED' | 'AUTHLOG_PARTITION_DDL_FAILED';

  constructor(
    code: AuthlogPartitionsError['code'],
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = code;
  }
}
