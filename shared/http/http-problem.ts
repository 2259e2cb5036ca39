import { AuthlogError } from '../errors/authlog-error.js';

/**
 * A request understood and refused, answered as it says: `status`, an UPPER_SNAKE `code`
 * (docs/http-errors.md), the field at fault if any, and headers such as Retry-After.
 */
export class HttpProblem extends AuthlogError {
  readonly retryable: boolean;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly options: { readonly field?: string; readonly headers?: Readonly<Record<string, string>>; readonly cause?: unknown; readonly retryable?: boolean } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = status === 429 || status >= 500;
  }
}
