import { AuthlogError } from '../../../shared/errors/authlog-error.js';
import { ValidationError } from '../../../shared/errors/validation-error.js';
import { HttpProblem } from '../../../shared/http/http-problem.js';
import { IdempotencyConflictError } from '../../../shared/outbox/idempotency-conflict-error.js';
import { LoginAbortedError } from './login-aborted-error.js';

/**
 * The auth service's own errors as answers (shared/http does validation and the rest): a txid
 * reused with other contents is 409; a login that could not be recorded is 503 and retryable with
 * the same txid, since the outbox writer is idempotent by txid.
 */
export function authDemoProblem(error: unknown): HttpProblem | undefined {
  if (error instanceof ValidationError) return undefined;
  if (error instanceof IdempotencyConflictError) return new HttpProblem(409, error.code, error.message, { field: 'txid' });
  if (error instanceof LoginAbortedError) return new HttpProblem(503, error.code, error.message, { retryable: true });
  if (error instanceof AuthlogError) return new HttpProblem(503, error.code, 'the login could not be recorded; retry with the same txid', { retryable: true, cause: error });
  return undefined;
}
