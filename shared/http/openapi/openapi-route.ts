import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiOperation } from './api-operation.js';
import type { JsonObject } from './json-schema-of.js';

export const OPENAPI_PATH = '/openapi.json';

/** The shape every OpenAPI 3.1 document has; the drift tests hold the served one to it. */
export const openApiShape = z.looseObject({
  openapi: z.string().regex(/^3\.1\.\d+$/),
  info: z.looseObject({ title: z.string().min(1), version: z.string().min(1) }),
  paths: z.record(z.string().startsWith('/'), z.partialRecord(z.enum(['get', 'put', 'post', 'delete', 'patch', 'head', 'options']), z.looseObject({ responses: z.record(z.string().regex(/^[1-5]\d\d$/), z.looseObject({ description: z.string() })) }))),
  components: z.looseObject({ schemas: z.record(z.string(), z.looseObject({})), securitySchemes: z.record(z.string(), z.looseObject({ type: z.string() })) }),
});

/** `GET /openapi.json` as its own document describes it: public, like the documentation it is. */
export const openApiOperation: ApiOperation = {
  method: 'GET',
  path: OPENAPI_PATH,
  operationId: 'getOpenApiDocument',
  summary: 'This document (OpenAPI 3.1). No API key needed.',
  tag: 'Documentation',
  auth: 'none',
  responses: { 200: { description: 'the OpenAPI 3.1 document of this API', schema: openApiShape } },
};

/**
 * Serves the document, serialised once: it is built from the routes' schemas at start and cannot
 * change while the process runs. No key: it says nothing about any account.
 */
export function registerOpenApiRoute(app: FastifyInstance, document: JsonObject): void {
  const body = JSON.stringify(document);
  app.get(OPENAPI_PATH, async (_request, reply) => reply.header('content-type', 'application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(body));
}
