import type { FastifyInstance } from 'fastify';
import { noParams } from '../params/endpoint-params.js';
import { parseParams } from '../params/parse-params.js';
import type { ApiDependencies } from './api-dependencies.js';
import { callerOf } from '../../../../shared/http/api-key-hook.js';

/** Who the key belongs to (the panel shows it and uses its time zone) and how fresh the data is. */
export function registerAccountRoutes(app: FastifyInstance, deps: ApiDependencies): void {
  app.get('/v1/account', async (request) => {
    parseParams(noParams, request.query);
    const account = await deps.accounts.get(callerOf(request).accountId);
    return { account_id: account.accountId, display_name: account.displayName, time_zone: account.timeZone };
  });

  app.get('/v1/freshness', async (request) => {
    parseParams(noParams, request.query);
    return { freshness: await deps.freshness.forAccount(callerOf(request).accountId) };
  });
}
