/**
 * The one error body of every HTTP API (reports, webhook-api, auth-demo), documented in
 * docs/http-errors.md: a stable UPPER_SNAKE `code` to branch on, the offending `field` when there is
 * one, words for a person, and for validation every issue found.
 */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly field?: string;
    readonly issues?: readonly { readonly field: string; readonly expected: string }[];
    /** Present (true) when the same request may succeed if sent again (the auth service's 503s). */
    readonly retryable?: true;
  };
}

export function errorBody(code: string, message: string, extra: { field?: string; issues?: ErrorBody['error']['issues']; retryable?: boolean } = {}): ErrorBody {
  return {
    error: {
      code,
      message,
      ...(extra.field === undefined || extra.field === '' ? {} : { field: extra.field }),
      ...(extra.issues === undefined ? {} : { issues: extra.issues }),
      ...(extra.retryable === true ? { retryable: true as const } : {}),
    },
  };
}
