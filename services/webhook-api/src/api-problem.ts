import { AuthlogError } from '../../../shared/errors/authlog-error.js';

/** A request we understood but refuse, answered with `status` and a stable `problem` code (e.g. 409 endpoint_limit_reached). */
export class ApiProblem extends AuthlogError {
  readonly code = 'API_PROBLEM';
  readonly retryable = false;

  constructor(
    readonly status: number,
    readonly problem: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}
