import type { ApiOperation, ApiResponse } from './api-operation.js';
import { allResponses } from './common-responses.js';
import { errorBodySchema } from './error-body-schema.js';
import { jsonSchemaOf, type JsonObject } from './json-schema-of.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from '../idempotency-hook.js';
import { routeKey, type RoutePolicies, type RoutePolicy } from '../route-policy.js';
import { SCOPES } from '../../auth/scopes.js';

export interface ApiDescription {
  readonly title: string;
  readonly version: string;
  readonly description: string;
  readonly operations: readonly ApiOperation[];
  /** The API's route policies: each keyed operation's scope goes into its `security`, audited routes may answer 503. */
  readonly policies: RoutePolicies;
}

const ERROR_REF = { $ref: '#/components/schemas/ErrorBody' };

/**
 * The OpenAPI 3.1 document of an API, generated from its operations (and so from the zod schemas
 * its routes validate with): paths with path, query and header parameters, request bodies, every
 * answer with its schema, the API-key security scheme, and the shared error body as a component.
 */
export function openApiDocument(api: ApiDescription): JsonObject {
  const schemas: Record<string, JsonObject> = { ErrorBody: jsonSchemaOf(errorBodySchema, 'output') };
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const operation of api.operations) {
    const path = openApiPath(operation.path);
    const item = (paths[path] ??= {});
    const method = operation.method.toLowerCase();
    if (item[method] !== undefined) throw new Error(`${operation.method} ${operation.path} is described twice`);
    item[method] = describeOperation(withPolicy(operation, api.policies[routeKey(operation.method, operation.path)]), schemas);
  }
  return {
    openapi: '3.1.0',
    info: { title: api.title, version: api.version, description: api.description },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas,
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'alk_<key id>_<secret>',
          description: `An API key: Authorization: Bearer alk_... Every call is scoped to the key's account. Each operation's security names the scope the key must hold (${SCOPES.join(', ')}); a key without it is answered 403 INSUFFICIENT_SCOPE.`,
        },
      },
    },
  };
}

/** Fastify's `/v1/endpoints/:endpointId` as OpenAPI's `/v1/endpoints/{endpointId}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

type ScopedOperation = ApiOperation & { readonly scope?: string };

/** The operation with what its policy adds: the scope it needs, and the 503 of an audit entry that could not be written. */
function withPolicy(operation: ApiOperation, policy: RoutePolicy | undefined): ScopedOperation {
  if (operation.auth !== 'apiKey') return operation;
  if (policy === undefined) throw new Error(`${operation.method} ${operation.path} needs an API key but has no route policy (scope)`);
  if (policy.audit === undefined) return { ...operation, scope: policy.scope };
  const own = operation.responses[503];
  const unavailable = { description: own?.description ?? 'a dependency did not answer: send it again', errors: [...new Set([...(own?.errors ?? []), 'UNAVAILABLE'])], headers: { ...own?.headers, 'Retry-After': 'seconds to wait' } };
  return { ...operation, scope: policy.scope, responses: { ...operation.responses, 503: unavailable } };
}

function describeOperation(operation: ScopedOperation, schemas: Record<string, JsonObject>): JsonObject {
  const parameters = [...pathParameters(operation), ...queryParameters(operation), ...headerParameters(operation)];
  const body = operation.body === undefined ? undefined : jsonSchemaOf(operation.body, 'input');
  const responses: Record<string, JsonObject> = {};
  for (const [status, response] of Object.entries(allResponses(operation)).sort(([a], [b]) => Number(a) - Number(b))) {
    responses[status] = describeResponse(response, schemas);
  }
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    tags: [operation.tag],
    security: operation.auth === 'apiKey' ? [{ apiKey: operation.scope === undefined ? [] : [operation.scope] }] : [],
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(body === undefined
      ? {}
      : { requestBody: { required: Array.isArray(body.required) && body.required.length > 0, content: { 'application/json': { schema: body } } } }),
    responses,
  };
}

function pathParameters(operation: ApiOperation): JsonObject[] {
  const names = [...operation.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? '');
  const described = operation.params === undefined ? {} : (jsonSchemaOf(operation.params, 'input').properties as Record<string, JsonObject> | undefined) ?? {};
  return names.map((name) => ({ name, in: 'path', required: true, schema: described[name] ?? { type: 'string' } }));
}

/**
 * Query parameters arrive as strings, and the schemas coerce or pipe them: the input side of a
 * pipe says only "a string", its output says what is meant (an enum list, an integer 1..1000), so
 * each parameter shows its output unless that cannot be said in JSON Schema (a transform) or the
 * input carries a default the output would hide as "required".
 */
function queryParameters(operation: ApiOperation): JsonObject[] {
  if (operation.query === undefined) return [];
  const input = jsonSchemaOf(operation.query, 'input');
  const output = jsonSchemaOf(operation.query, 'output');
  const required = new Set(Array.isArray(input.required) ? (input.required as string[]) : []);
  const outputs = (output.properties as Record<string, JsonObject> | undefined) ?? {};
  return Object.entries((input.properties as Record<string, JsonObject> | undefined) ?? {}).map(([name, given]) => {
    const meant = outputs[name];
    const schema = meant === undefined || Object.keys(meant).length === 0 || given.default !== undefined ? given : meant;
    // A list may be repeated (?a=x&a=y) or comma-separated (?a=x,y).
    const list = schema.type === 'array' || (Array.isArray(schema.anyOf) && schema.anyOf.some((part) => (part as JsonObject).type === 'array'));
    return { name, in: 'query', required: required.has(name), ...(list ? { style: 'form', explode: true, description: 'repeat the parameter or separate values with commas' } : {}), schema };
  });
}

function headerParameters(operation: ApiOperation): JsonObject[] {
  if (operation.method !== 'POST' || operation.auth !== 'apiKey') return [];
  return [
    {
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'The same key and request within 24 h answer the first answer (Idempotent-Replayed: true) without doing the work again.',
      schema: { type: 'string', minLength: 1, maxLength: MAX_IDEMPOTENCY_KEY_LENGTH, pattern: '^[\\x20-\\x7e]+$' },
    },
  ];
}

function describeResponse(response: ApiResponse, schemas: Record<string, JsonObject>): JsonObject {
  const headers = Object.entries(response.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }]);
  const described = {
    description: response.errors === undefined ? response.description : `${response.description} (codes: ${response.errors.join(', ')})`,
    ...(headers.length === 0 ? {} : { headers: Object.fromEntries(headers) }),
  };
  if (response.errors !== undefined) return { ...described, 'x-error-codes': response.errors, content: { 'application/json': { schema: ERROR_REF } } };
  const content: Record<string, JsonObject> = {};
  if (response.schema !== undefined) content['application/json'] = { schema: namedSchema(response, jsonSchemaOf(response.schema, 'output'), schemas) };
  for (const type of response.contentTypes ?? []) content[type] = { schema: { type: 'string' } };
  if (Object.keys(content).length > 0) return { ...described, content };
  return described;
}

/** A named answer schema goes to components.schemas once and is referred to from every answer. */
function namedSchema(response: ApiResponse, schema: JsonObject, schemas: Record<string, JsonObject>): JsonObject {
  if (response.name === undefined) return schema;
  if (schemas[response.name] !== undefined && JSON.stringify(schemas[response.name]) !== JSON.stringify(schema)) throw new Error(`two different schemas are named ${response.name}`);
  schemas[response.name] = schema;
  return { $ref: `#/components/schemas/${response.name}` };
}
