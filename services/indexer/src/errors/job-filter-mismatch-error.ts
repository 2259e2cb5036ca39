import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** A backfill job name was reused with another filter: resuming would mix two different row sets. */
export class JobFilterMismatchError extends AuthlogError {
  readonly code = 'JOB_FILTER_MISMATCH';
  readonly retryable = false;

  constructor(
    readonly jobName: string,
    readonly stored: string,
    readonly requested: string,
  ) {
    super(`backfill job ${jobName} was started with ${stored}, not ${requested}: use another --job name, or --restart to start it over`);
  }
}
