import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../../../shared/errors/validation-error.js';
import { noParams } from '../params/endpoint-params.js';
import { parseParams } from '../params/parse-params.js';
import type { ApiDependencies } from './api-dependencies.js';
import { callerOf } from '../../../../shared/http/api-key-hook.js';
import { errorBody } from '../../../../shared/http/error-body.js';
import { requestSignal } from './request-signal.js';

/** txids are identifiers of the event model (shared/event/auth-event-schema.ts). */
export const TXID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/** Lineage of one event of the caller's account (issue 17). */
export function registerTraceRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  app.get<{ Params: { txid: string } }>('/v1/events/:txid/trace', async (request, reply) => {
    parseParams(noParams, request.query);
    const { txid } = request.params;
    if (!TXID.test(txid)) throw new ValidationError([{ field: 'txid', expected: '1-64 characters of A-Z a-z 0-9 . _ : -' }]);
    const trace = await deps.tracer.trace(callerOf(request).accountId, txid, requestSignal(reply));
    // Another account's event is answered exactly like one that does not exist.
    if (trace === undefined) return reply.code(404).send(errorBody('EVENT_NOT_FOUND', 'no such event in this account'));
    return reply.header('cache-control', 'no-store').send(trace);
  });
}
