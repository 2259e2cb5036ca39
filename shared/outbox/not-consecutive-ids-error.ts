import { AuthlogError } from '../errors/authlog-error.js';

/**
 * The authlog ids of one multi-row insert were not the consecutive run the outbox rows would have
 * pointed at. Raised inside the batch's transaction, before its outbox insert: the transaction is
 * rolled back (nothing of it committed) and the writer writes the batch again, looking each id up.
 */
export class NotConsecutiveIdsError extends AuthlogError {
  readonly code = 'AUTHLOG_IDS_NOT_CONSECUTIVE';
  readonly retryable = true;

  constructor(
    readonly firstId: string,
    readonly lastId: string | null,
    readonly rows: number,
    readonly step: number,
  ) {
    super(`authlog ids of a ${rows}-row insert are not consecutive (first ${firstId}, last ${lastId ?? 'not found'}, step ${step})`);
  }
}
