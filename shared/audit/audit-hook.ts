import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import { authenticatedCaller } from '../http/api-key-hook.js';
import { HttpProblem } from '../http/http-problem.js';
import { routeKey, type RoutePolicies } from '../http/route-policy.js';
import type { Logger } from '../log/logger.js';
import { fieldNames } from './audit-fields.js';
import type { AuditEntryInput, AuditLogStore } from './audit-log-store.js';

export interface AuditOptions {
  readonly store: AuditLogStore;
  readonly policies: RoutePolicies;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Metric names start with it (webhook_api). */
  readonly service: string;
}

interface Pending {
  readonly id: string;
  readonly entry: AuditEntryInput;
  targetId: string | null;
  errorCode: string | null;
}

/**
 * The audit log of an API, in one place: every call of a route whose policy names an `audit`
 * action is written to MySQL *before* its handler runs (who, action, route, target id from the
 * path, the names of the body's fields; never a value), and completed with the answer's status,
 * error code and, for a create, the new object's id. A change therefore never happens without its
 * entry: if the entry cannot be written the request is answered 503 UNAVAILABLE and nothing is
 * changed. If the instance dies in between, the entry stays with no status ("outcome unknown").
 * Calls refused for their scope are recorded too (they never reach the handler). Registered after
 * the Idempotency-Key hook, so a replayed answer (nothing done again) is not recorded twice;
 * 429s are not recorded (a flood must not become a flood of rows).
 */
export function registerAuditLog(app: FastifyInstance, options: AuditOptions): void {
  const pending = new WeakMap<FastifyRequest, Pending>();
  const failures = new Counter({
    name: `${options.service}_audit_write_failures_total`,
    help: 'Audit log writes that failed, by step: begin (the request was refused with 503) or complete (the entry keeps no status)',
    labelNames: ['step'],
    registers: [options.registry],
  });

  const entryOf = (request: FastifyRequest, withBody: boolean): AuditEntryInput | undefined => {
    const route = request.routeOptions.url ?? '';
    const policy = options.policies[routeKey(request.method, route)];
    const action = policy?.audit === undefined ? undefined : ((withBody ? policy.auditAs?.(request.body) : undefined) ?? policy.audit);
    const caller = authenticatedCaller(request);
    if (action === undefined || caller === undefined) return undefined;
    return { accountId: caller.accountId, keyId: caller.keyId, action, method: request.method, route, targetId: firstParam(request.params), fields: withBody ? fieldNames(request.body) : [] };
  };

  app.addHook('preHandler', async (request) => {
    const entry = entryOf(request, true);
    if (entry === undefined) return;
    try {
      pending.set(request, { id: await options.store.begin(entry), entry, targetId: entry.targetId, errorCode: null });
    } catch (error) {
      failures.inc({ step: 'begin' });
      throw new HttpProblem(503, 'UNAVAILABLE', 'the audit log cannot be written right now, so nothing was changed; retry', { cause: error, retryable: true, headers: { 'retry-after': '5' } });
    }
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const mine = pending.get(request);
    if (mine === undefined || typeof payload !== 'string') return payload;
    const answer = parsed(payload);
    if (reply.statusCode >= 400) mine.errorCode = typeof answer?.error?.code === 'string' ? answer.error.code.slice(0, 64) : null;
    else if (mine.targetId === null && typeof answer?.id === 'string') mine.targetId = answer.id.slice(0, 64);
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const mine = pending.get(request);
    try {
      if (mine !== undefined) {
        await options.store.complete(mine.id, { status: reply.statusCode, errorCode: mine.errorCode, targetId: mine.targetId });
      } else if (reply.statusCode === 403) {
        const refused = entryOf(request, false);
        if (refused !== undefined) await options.store.record(refused, { status: 403, errorCode: 'INSUFFICIENT_SCOPE' });
      }
    } catch (error) {
      failures.inc({ step: 'complete' });
      options.logger.warn({ err: error, auditId: mine?.id, route: request.routeOptions.url, status: reply.statusCode }, 'audit entry not completed; it keeps no status');
    }
  });
}

function firstParam(params: unknown): string | null {
  if (typeof params !== 'object' || params === null) return null;
  const first = Object.values(params)[0];
  return typeof first === 'string' ? first.slice(0, 64) : null;
}

function parsed(payload: string): { id?: unknown; error?: { code?: unknown } } | undefined {
  try {
    return JSON.parse(payload) as { id?: unknown; error?: { code?: unknown } };
  } catch {
    return undefined;
  }
}
