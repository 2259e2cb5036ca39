import type { ApiOperation, ApiResponse } from '../shared/http/openapi/api-operation.js';
import { allResponses } from '../shared/http/openapi/common-responses.js';
import { errorBodySchema } from '../shared/http/openapi/error-body-schema.js';
import { openApiPath } from '../shared/http/openapi/openapi-document.js';
import type { RegisteredRoute } from '../shared/http/openapi/registered-routes.js';
import { jsonSchemaProblems } from './json-schema-check.js';

/** An answer as a test got it: status, parsed JSON (or text) body, content type. */
export interface CheckedAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly contentType: string | null;
}

/**
 * Routes Fastify registered that the document lacks, and documented routes Fastify does not have
 * (method + OpenAPI path), for the drift tests.
 */
export function routeDrift(registered: readonly RegisteredRoute[], document: { paths: Record<string, Record<string, unknown>> }) {
  const served = new Set(registered.map((route) => `${route.method} ${openApiPath(route.path)}`));
  const documented = new Set(Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
  return { undocumented: [...served].filter((route) => !documented.has(route)).sort(), unregistered: [...documented].filter((route) => !served.has(route)).sort() };
}

/**
 * Checks real answers against the operations the document is generated from: the status must be
 * documented, and the body must parse with that status's zod schema (strict objects: a field the
 * document does not have fails), or be the shared error body with one of the documented codes;
 * a JSON body must also pass the JSON Schema the published document gives for that status.
 * Keeps which operations were seen answering a success and an error.
 */
export class AnswerChecker {
  readonly #seen = new Map<string, Set<'success' | 'error'>>();

  /** `document`: the served document; JSON answers are checked against its JSON Schema too. */
  constructor(
    private readonly operations: readonly ApiOperation[],
    private readonly document: { readonly paths: Record<string, unknown> },
  ) {}

  /** Throws an Error naming the route, status and what is wrong. */
  check(method: string, path: string, answer: CheckedAnswer): void {
    const operation = this.operations.find((candidate) => candidate.method === method && candidate.path === path);
    const route = `${method} ${path} -> ${answer.status}`;
    if (operation === undefined) throw new Error(`${method} ${path} is not documented`);
    const response: ApiResponse | undefined = allResponses(operation)[answer.status];
    if (response === undefined) throw new Error(`${route}: status not documented (documented: ${Object.keys(allResponses(operation)).join(', ')})`);
    const problems = [...bodyProblems(response, answer), ...this.#documentProblems(method, path, answer)];
    if (problems.length > 0) throw new Error(`${route}: the answer does not match the document:\n  ${problems.join('\n  ')}\n  body: ${JSON.stringify(answer.body).slice(0, 600)}`);
    const kind = answer.status < 400 ? 'success' : 'error';
    const seen = this.#seen.get(`${method} ${path}`) ?? new Set();
    seen.add(kind);
    this.#seen.set(`${method} ${path}`, seen);
  }

  /** The answer against the JSON Schema the published document gives for its status (JSON answers only). */
  #documentProblems(method: string, path: string, answer: CheckedAnswer): string[] {
    if (answer.contentType?.startsWith('application/json') !== true) return [];
    const operation = (this.document.paths[openApiPath(path)] as Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }> }> | undefined)?.[method.toLowerCase()];
    const schema = operation?.responses?.[String(answer.status)]?.content?.['application/json']?.schema;
    if (schema === undefined) return [`the published document has no JSON schema for ${method} ${path} ${answer.status}`];
    return jsonSchemaProblems(schema, answer.body, this.document).map((problem) => `(published JSON Schema) ${problem}`);
  }

  /** Operations not yet seen giving a success, and an error when they document one they can be led to (a 4xx). */
  uncovered(): string[] {
    return this.operations
      .filter((operation) => {
        const seen = this.#seen.get(`${operation.method} ${operation.path}`);
        const canRefuse = Object.keys(allResponses(operation)).some((status) => status.startsWith('4'));
        return seen?.has('success') !== true || (canRefuse && seen.has('error') !== true);
      })
      .map((operation) => `${operation.method} ${operation.path} (seen: ${[...(this.#seen.get(`${operation.method} ${operation.path}`) ?? [])].join(', ') || 'nothing'})`);
  }
}

function bodyProblems(response: ApiResponse, answer: CheckedAnswer): string[] {
  const json = answer.contentType?.startsWith('application/json') === true;
  if (response.errors !== undefined) {
    if (!json) return [`an error body must be JSON, got ${answer.contentType}`];
    const parsed = errorBodySchema.safeParse(answer.body);
    if (!parsed.success) return parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    return response.errors.includes(parsed.data.error.code) ? [] : [`error code ${parsed.data.error.code} is not documented for this status (documented: ${response.errors.join(', ')})`];
  }
  if (response.schema !== undefined && json) {
    const parsed = response.schema.safeParse(answer.body);
    return parsed.success ? [] : parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.code === 'unrecognized_keys' ? `undocumented field(s) ${issue.keys.join(', ')}` : issue.message}`);
  }
  const documented = [...(response.schema === undefined ? [] : ['application/json']), ...(response.contentTypes ?? [])];
  if (documented.length > 0) {
    const type = answer.contentType?.split(';')[0]?.trim() ?? '';
    return documented.includes(type) ? [] : [`content type ${answer.contentType}, documented: ${documented.join(', ')}`];
  }
  return answer.body === undefined || answer.body === '' ? [] : ['the document says no body'];
}

/**
 * What makes a document unusable beyond its top-level shape: a $ref to nothing, a path template
 * without its parameter, an operationId used twice.
 */
export function documentProblems(document: { paths: Record<string, Record<string, { operationId?: string; parameters?: { name: string; in: string }[] }>>; components: { schemas: Record<string, unknown> } }): string[] {
  const problems: string[] = [];
  const refs = JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g);
  for (const [, name = ''] of refs) if (document.components.schemas[name] === undefined) problems.push(`$ref to missing schema ${name}`);
  const ids = new Set<string>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (operation.operationId === undefined || ids.has(operation.operationId)) problems.push(`${method} ${path}: missing or repeated operationId`);
      ids.add(operation.operationId ?? '');
      for (const [, name = ''] of path.matchAll(/\{([^}]+)\}/g)) {
        if (!(operation.parameters ?? []).some((parameter) => parameter.in === 'path' && parameter.name === name)) problems.push(`${method} ${path}: no path parameter ${name}`);
      }
    }
  }
  return problems;
}
