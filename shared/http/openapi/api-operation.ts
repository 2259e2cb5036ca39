import type { z } from 'zod';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * One answer a route can give. A JSON answer has the zod `schema` it is checked against (the
 * document's JSON Schema is generated from it); an error answer names the `errors` codes it may
 * carry (its body is the shared error body); a non-JSON answer (CSV, HTML, a redirect) gives its
 * `contentType` or none.
 */
export interface ApiResponse {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Name under components.schemas (the answer is then a $ref to it). */
  readonly name?: string;
  /** Codes of the shared error body (docs/http-errors.md); the body is then the ErrorBody schema. */
  readonly errors?: readonly string[];
  /** Content types of a body that is not JSON (text/csv...); none means no body. */
  readonly contentTypes?: readonly string[];
  /** Response headers worth knowing (Retry-After, Location...). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A route as the OpenAPI document describes it, built from the same zod schemas the route
 * validates its input with. `path` is Fastify's (`/v1/endpoints/:endpointId`).
 */
export interface ApiOperation {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  /** `apiKey`: behind the API-key hook (401, 429 added); `none`: public. */
  readonly auth: 'apiKey' | 'none';
  readonly params?: z.ZodObject;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** Statuses this route gives itself; the kit adds the ones every route of its kind can give. */
  readonly responses: Readonly<Record<number, ApiResponse>>;
}
