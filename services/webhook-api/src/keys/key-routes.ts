import type { FastifyInstance } from 'fastify';
import type { ApiKeyManagement } from '../../../../shared/auth/api-key-management.js';
import type { ApiKeyStore } from '../../../../shared/auth/api-key-store.js';
import type { AuditLogStore } from '../../../../shared/audit/audit-log-store.js';
import { callerOf } from '../../../../shared/http/api-key-hook.js';
import { HttpProblem } from '../../../../shared/http/http-problem.js';
import { parseInput } from '../request-schemas.js';
import { keyRequests } from './key-schemas.js';
import { apiKeyView, auditEntryView } from './key-views.js';

export interface KeyRouteDependencies {
  readonly keys: ApiKeyStore;
  readonly management: ApiKeyManagement;
  readonly audit: AuditLogStore;
}

type WithKey = { Params: { keyId: string } };

/**
 * API keys of the caller's account (create, list, revoke) and its audit log; the route policies
 * give all of them to `keys:admin` only. A key can only grant scopes it holds itself, so an admin
 * key without webhooks:write cannot mint one that has it.
 */
export function keyRoutes(app: FastifyInstance, deps: KeyRouteDependencies): void {
  app.post('/v1/api-keys', async (request, reply) => {
    const caller = callerOf(request);
    const input = parseInput(keyRequests.createKey, request.body);
    const notHeld = input.scopes.filter((scope) => !caller.scopes.includes(scope));
    if (notHeld.length > 0) throw new HttpProblem(403, 'INSUFFICIENT_SCOPE', `a key can only grant scopes it holds; this one lacks ${notHeld.join(', ')}`, { field: 'scopes' });
    const { keyId, token } = await deps.keys.create(caller.accountId, input.name, input.scopes);
    return reply.code(201).send({ ...apiKeyView(await deps.management.get(caller.accountId, keyId)), token });
  });

  app.get('/v1/api-keys', async (request) => {
    const query = parseInput(keyRequests.listKeys, request.query);
    const page = await deps.management.list(callerOf(request).accountId, query);
    return { data: page.map(apiKeyView), next_after: page.length === query.limit ? (page.at(-1)?.keyId ?? null) : null };
  });

  app.post<WithKey>('/v1/api-keys/:keyId/revoke', async (request) => {
    parseInput(keyRequests.empty, request.body);
    return apiKeyView(await deps.management.revoke(callerOf(request).accountId, request.params.keyId));
  });

  app.get('/v1/audit-log', async (request) => {
    const query = parseInput(keyRequests.listAudit, request.query);
    const page = await deps.audit.list(callerOf(request).accountId, query);
    return { data: page.map(auditEntryView), next_before: page.length === query.limit ? (page.at(-1)?.id ?? null) : null };
  });
}
