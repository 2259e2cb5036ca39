import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Account } from '../accounts/account-store.js';
import { breakdownParams, distinctUsersParams, outOfDateParams, volumeParams, type FilterParams, type RangeParams } from '../params/endpoint-params.js';
import { parseParams } from '../params/parse-params.js';
import { requestScope } from '../params/request-scope.js';
import { breakdownReport } from '../reports/breakdown-report.js';
import { distinctUsersReport } from '../reports/distinct-users-report.js';
import { outOfDateReport } from '../reports/out-of-date-report.js';
import type { ReportContext } from '../reports/report-context.js';
import { chooseInterval } from '../reports/volume-interval.js';
import { volumeReport } from '../reports/volume-report.js';
import type { EventFilters } from '../search/event-scope.js';
import type { ApiDependencies } from './api-dependencies.js';
import { callerOf } from '../../../../shared/http/api-key-hook.js';
import { requestSignal } from './request-signal.js';

/** The four reports. Each answer carries its range, zone, exactness and freshness. */
export function registerReportRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  const { settings } = deps;

  /** Validates the parameters, builds the caller's scope, runs the report and adds freshness. */
  async function run<Params extends RangeParams & FilterParams, Result extends object>(
    request: FastifyRequest,
    signal: AbortSignal,
    schema: z.ZodType<Params>,
    forced: (params: Params) => Partial<EventFilters>,
    report: (context: ReportContext, params: Params) => Promise<Result>,
  ) {
    const params = parseParams(schema, request.query);
    const account: Account = await deps.accounts.get(callerOf(request).accountId);
    const scope = requestScope(account, params, settings.range, forced(params));
    const context: ReportContext = { search: deps.search, scope, signal, settings: settings.reports };
    const release = 'exact' in params && params.exact === true ? deps.expensive.acquire(account.accountId) : () => {};
    try {
      const [result, freshness] = await Promise.all([report(context, params), deps.freshness.forAccount(account.accountId)]);
      return { ...result, freshness };
    } finally {
      release();
    }
  }

  app.get('/v1/reports/distinct-users', (request, reply) =>
    run(
      request,
      requestSignal(reply),
      distinctUsersParams,
      () => ({ results: ['success'], eventTypes: ['authentication'] }),
      (context, params) => distinctUsersReport(context, params.exact ?? false),
    ),
  );

  app.get('/v1/reports/out-of-date', (request, reply) =>
    run(
      request,
      requestSignal(reply),
      outOfDateParams,
      () => ({ reasons: ['out_of_date'] }),
      (context, params) => outOfDateReport(context, { exact: params.exact ?? false, top: params.top ?? 10 }),
    ),
  );

  app.get('/v1/reports/volume', (request, reply) =>
    run(
      request,
      requestSignal(reply),
      volumeParams,
      () => ({}),
      (context, params) => {
        const requested = params.interval ?? 'auto';
        const interval = chooseInterval(context.scope.range, requested, settings.maxHistogramBuckets);
        return volumeReport(context, interval, requested === 'auto' ? 'auto' : 'given');
      },
    ),
  );

  app.get('/v1/reports/breakdown', (request, reply) =>
    run(
      request,
      requestSignal(reply),
      breakdownParams,
      () => ({}),
      (context, params) => breakdownReport(context, params.by, params.top ?? 10),
    ),
  );
}
