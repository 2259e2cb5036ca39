import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { completenessCsv } from '../completeness/completeness-report.js';
import { parseParams } from '../params/parse-params.js';
import { oneOf, single } from '../params/query-fields.js';
import { requestScope } from '../params/request-scope.js';
import type { ApiDependencies } from './api-dependencies.js';
import { callerOf } from '../../../../shared/http/api-key-hook.js';

export const completenessParams = z.object({ from: single.optional(), to: single.optional(), tz: single.optional(), format: oneOf(['json', 'csv']).optional() }).strict();

/** The completeness ledger of the caller's account (issue 17): JSON, or CSV for an auditor. */
export function registerCompletenessRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  app.get('/v1/completeness', async (request, reply) => {
    const params = parseParams(completenessParams, request.query);
    const account = await deps.accounts.get(callerOf(request).accountId);
    const { range } = requestScope(account, { from: params.from, to: params.to, tz: params.tz }, deps.settings.range);
    const answer = await deps.completeness.forAccount(account.accountId, range.fromMs, range.toMs);
    if (params.format !== 'csv') return reply.header('cache-control', 'no-store').send(answer);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="completeness-${account.accountId}-${answer.from.slice(0, 10)}-${answer.to.slice(0, 10)}.csv"`)
      .header('cache-control', 'no-store')
      .send(completenessCsv(answer));
  });
}
