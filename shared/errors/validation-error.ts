import { AuthlogError } from './authlog-error.js';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `access_device.ip`. */
  readonly field: string;
  /** What was expected there, in words a caller can act on. */
  readonly expected: string;
}

/** Input that can never be accepted as it is: an API answers 400, a library throws before writing. */
export class ValidationError extends AuthlogError {
  readonly code = 'VALIDATION_FAILED';
  readonly retryable = false;

  constructor(readonly issues: readonly FieldIssue[]) {
    super(`invalid input: ${issues.map((issue) => `${issue.field}: ${issue.expected}`).join('; ')}`);
  }

  /** The first offending field: what a one-line error message names. */
  get field(): string {
    return this.issues[0]?.field ?? '';
  }
}
