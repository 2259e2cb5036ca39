import { AuthlogError } from '../../../../shared/errors/authlog-error.js';

/** Offsets of a consumer group can only be moved while none of its members runs. */
export class GroupActiveError extends AuthlogError {
  readonly code = 'GROUP_ACTIVE';
  readonly retryable = true;

  constructor(
    readonly groupId: string,
    readonly state: string,
    readonly members: number,
  ) {
    super(`consumer group ${groupId} is ${state} with ${members} member(s): stop every indexer of the group first`);
  }
}
