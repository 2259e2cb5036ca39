import type { ApiOperation, ApiResponse } from './api-operation.js';

/**
 * The answers the shared kit gives on any route of a kind, so each route lists only its own:
 * every route may fail (500); a route behind the API key may be refused (401, or 403 for a key
 * without the route's scope) or limited (429);
 * a route that reads a query or body may refuse it (400); every POST takes `Idempotency-Key`
 * (shared/http/idempotency-hook.ts: 400, 409, 422, 503); a body may be too large or unreadable.
 */
export function kitResponses(operation: ApiOperation): Record<number, ApiResponse> {
  const add = (status: number, description: string, errors: readonly string[], headers?: Record<string, string>) => {
    const existing = responses[status];
    responses[status] = {
      description: existing?.description ?? description,
      errors: [...new Set([...(existing?.errors ?? []), ...errors])],
      ...(headers === undefined && existing?.headers === undefined ? {} : { headers: { ...existing?.headers, ...headers } }),
    };
  };
  const responses: Record<number, ApiResponse> = {};
  // Fastify parses a JSON body on any POST or PATCH, whether the route reads one or not.
  const hasBody = operation.body !== undefined || operation.method === 'POST' || operation.method === 'PATCH';
  if (operation.query !== undefined || hasBody) add(400, 'a parameter or body field is wrong (`field` names it), or the body does not parse', ['VALIDATION_FAILED']);
  if (hasBody) {
    add(400, 'a parameter or body field is wrong (`field` names it), or the body does not parse', ['BAD_REQUEST']);
    add(413, 'the body is larger than the route accepts', ['BODY_TOO_LARGE']);
    add(415, 'the body is not JSON (send Content-Type: application/json)', ['BAD_REQUEST']);
  }
  if (operation.auth === 'apiKey') {
    add(401, 'no, malformed, unknown or revoked API key', ['UNAUTHENTICATED'], { 'WWW-Authenticate': 'Bearer' });
    add(429, 'over a rate limit; wait Retry-After seconds', ['RATE_LIMITED'], { 'Retry-After': 'seconds to wait' });
    add(403, 'the API key lacks the scope this route needs (named in the message and in WWW-Authenticate)', ['INSUFFICIENT_SCOPE'], { 'WWW-Authenticate': 'Bearer error="insufficient_scope", scope="<the scope needed>"' });
  }
  if (operation.method === 'POST' && operation.auth === 'apiKey') {
    add(409, 'a request with this Idempotency-Key is still running; retry after Retry-After for its answer', ['IDEMPOTENCY_KEY_IN_PROGRESS'], { 'Retry-After': 'seconds to wait' });
    add(422, 'this Idempotency-Key was used in the last 24 h for another request', ['IDEMPOTENCY_KEY_REUSED']);
    add(503, 'the Idempotency-Key could not be checked (Redis): send it again, same key', ['UNAVAILABLE'], { 'Retry-After': 'seconds to wait' });
  }
  add(500, 'a bug on our side, logged; answered without details', ['INTERNAL']);
  return responses;
}

/** The route's own answers over the kit's: error codes of one status are merged, a described body wins. */
export function allResponses(operation: ApiOperation): Record<number, ApiResponse> {
  const merged = kitResponses(operation);
  for (const [key, own] of Object.entries(operation.responses)) {
    const status = Number(key);
    const kit = merged[status];
    merged[status] = kit === undefined || own.errors === undefined ? own : { ...own, errors: [...new Set([...own.errors, ...(kit.errors ?? [])])], headers: { ...kit.headers, ...own.headers } };
  }
  return merged;
}
