import Fastify, { type FastifyInstance } from 'fastify';
import type { ApiDependencies } from './api-dependencies.js';
import { registerAccountRoutes } from './account-routes.js';
import { authenticateWith } from './authenticate.js';
import { errorBody, errorHandler } from './error-handler.js';
import { registerLogRoutes } from './log-routes.js';
import { registerPanelRoutes } from './panel-routes.js';
import { registerReportRoutes } from './report-routes.js';
import { loadStaticFiles } from './static-files.js';

/**
 * The reports HTTP API and the Admin Panel on one Fastify instance. Every /v1 route except the
 * signed downloads requires an API key; the caller's account scopes everything it reads.
 */
export async function buildApp(deps: ApiDependencies): Promise<FastifyInstance> {
  // maxParamLength: download links carry their signed grant in the path.
  const app = Fastify({ logger: false, return503OnClosing: true, requestTimeout: 0, bodyLimit: 16_384, routerOptions: { maxParamLength: 4_200 } });
  const files = await loadStaticFiles(deps.panel.dir, { 'chart.umd.min.js': deps.panel.chartJsFile });
  const authenticate = authenticateWith(deps.apiKeys);

  app.setErrorHandler(errorHandler(deps.logger));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('NOT_FOUND', 'no such endpoint')));
  app.addHook('onRequest', async (request) => {
    (request as { startedAt?: bigint }).startedAt = process.hrtime.bigint();
  });
  // Decided by the matched route, not the raw URL, so no spelling of a path can skip the check.
  app.addHook('preHandler', async (request) => {
    const route = request.routeOptions.url ?? '';
    if (route.startsWith('/v1/') && route !== '/v1/downloads/:token') await authenticate(request);
  });
  app.addHook('onResponse', async (request, reply) => {
    const startedAt = (request as { startedAt?: bigint }).startedAt ?? process.hrtime.bigint();
    const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
    const route = request.routeOptions.url ?? 'unmatched';
    deps.metrics.requestSeconds.observe({ route, method: request.method, status: String(reply.statusCode) }, seconds);
    deps.logger.debug({ route, method: request.method, status: reply.statusCode, ms: Math.round(seconds * 1000) }, 'request');
  });

  registerReportRoutes(app, deps);
  registerLogRoutes(app, deps);
  registerAccountRoutes(app, deps);
  registerPanelRoutes(app, files);
  return app;
}
