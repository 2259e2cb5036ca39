import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { ValidationError } from '../../../shared/errors/validation-error.js';
import { callerOf } from '../../../shared/http/api-key-hook.js';
import type { OperationalEndpointStore } from '../../../shared/webhooks/operational/operational-endpoint-store.js';
import type { AddressPolicy, Resolver } from '../../../shared/webhooks/ssrf/address-policy.js';
import { endpointUrlProblem } from '../../../shared/webhooks/ssrf/endpoint-url.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { listAttempts } from './attempt-queries.js';
import { parseInput, type RequestSchemas } from './request-schemas.js';
import { attemptView, operationalEndpointView } from './views.js';

export interface OperationalRouteDependencies {
  readonly operational: OperationalEndpointStore;
  readonly db: Kysely<WebhooksDatabase>;
  readonly schemas: RequestSchemas;
  readonly policy: AddressPolicy;
  readonly resolver: Resolver;
  readonly secretGraceMs: number;
}

/**
 * The account's one operational endpoint (notices about its endpoints and messages): put, get,
 * delete, rotate its secret, read its attempt log. Its URL is checked against SSRF exactly like an
 * endpoint's (here, and again by the dispatcher at every connection).
 */
export function operationalRoutes(app: FastifyInstance, deps: OperationalRouteDependencies): void {
  const { operational, schemas } = deps;

  app.put('/v1/operational-endpoint', async (request, reply) => {
    const { accountId } = callerOf(request);
    const input = parseInput(schemas.putOperationalEndpoint, request.body);
    const problem = await endpointUrlProblem(input.url, deps.policy, deps.resolver);
    if (problem !== undefined) throw new ValidationError([{ field: 'url', expected: problem }]);
    const { endpoint, secret } = await operational.put(accountId, input);
    return reply.code(secret === null ? 200 : 201).send({ ...operationalEndpointView(endpoint), secret });
  });

  app.get('/v1/operational-endpoint', async (request) => operationalEndpointView(await operational.get(callerOf(request).accountId)));

  app.delete('/v1/operational-endpoint', async (request, reply) => {
    await operational.delete(callerOf(request).accountId);
    return reply.code(204).send();
  });

  app.post('/v1/operational-endpoint/secret/rotate', async (request) => {
    const input = parseInput(schemas.rotateSecret, request.body);
    const rotated = await operational.rotate(callerOf(request).accountId, deps.secretGraceMs, input.secret);
    return { secret: rotated.secret, previous_secret_expires_at: rotated.previousExpiresAt.toISOString() };
  });

  app.get('/v1/operational-endpoint/attempts', async (request) => {
    const { accountId } = callerOf(request);
    const query = parseInput(schemas.listAttempts, request.query);
    const endpoint = await operational.get(accountId);
    const rows = await listAttempts(deps.db, accountId, endpoint.id, { limit: query.limit, before: query.before, messageId: query.message_id, outcome: query.outcome });
    return { data: rows.map((row) => ({ ...attemptView(row), type: row.notice_type })), next_before: rows.length === query.limit ? String(rows.at(-1)?.id) : null };
  });
}
