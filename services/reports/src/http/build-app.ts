import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { apiKeyHook } from '../../../../shared/http/api-key-hook.js';
import { registerIdempotency } from '../../../../shared/http/idempotency-hook.js';
import { httpErrorHandler, notFoundHandler } from '../../../../shared/http/error-handler.js';
import { registerRequestMetrics } from '../../../../shared/http/request-metrics.js';
import { fastifyTimeouts } from '../../../../shared/http/server-timeouts.js';
import { fastifyTrustProxy } from '../../../../shared/config/trusted-proxies.js';
import { registerOpenApiRoute } from '../../../../shared/http/openapi/openapi-route.js';
import { recordRoutes } from '../../../../shared/http/openapi/registered-routes.js';
import { reportsApiDocument } from './api-document.js';
import type { ApiDependencies } from './api-dependencies.js';
import { registerAccountRoutes } from './account-routes.js';
import { reportsProblem } from './error-handler.js';
import { registerLogRoutes } from './log-routes.js';
import { registerPanelRoutes } from './panel-routes.js';
import { registerWebhookApiProxy } from './webhook-api-proxy.js';
import { registerReportRoutes } from './report-routes.js';
import { loadStaticFiles, staticFile } from './static-files.js';
import { registerTraceRoutes } from './trace-routes.js';
import { registerCompletenessRoutes } from './completeness-routes.js';
import { reportsPolicies } from './route-policies.js';
import { requirePolicies } from '../../../../shared/http/route-policy.js';
import { scopeHook } from '../../../../shared/http/scope-hook.js';

/** Decided by the matched route, not the raw URL, so no spelling of a path can skip the check. */
const needsKey = (route: string): boolean => route.startsWith('/v1/') && route !== '/v1/downloads/:token';
const requiresKey = (request: FastifyRequest): boolean => needsKey(request.routeOptions.url ?? '');

/**
 * The reports HTTP API and the Admin Panel on one Fastify instance. Every /v1 route except the
 * signed downloads requires an API key holding its scope (route-policies.ts), checked on onRequest
 * (before any body is read); the
 * caller's account scopes everything it reads. GET /openapi.json (no key) is the document
 * generated from the routes' own schemas (api-document.ts).
 */
export async function buildApp(deps: ApiDependencies): Promise<FastifyInstance> {
  // maxParamLength: download links carry their signed grant in the path.
  const app = Fastify({
    logger: false,
    return503OnClosing: true,
    bodyLimit: 16_384,
    routerOptions: { maxParamLength: 4_200 },
    trustProxy: fastifyTrustProxy(deps.trustedProxies),
    ...fastifyTimeouts(deps.timeouts),
  });
  recordRoutes(app);
  requirePolicies(app, reportsPolicies, needsKey);
  const files = await loadStaticFiles(deps.panel.dir, { 'chart.umd.min.js': deps.panel.chartJsFile });
  // What the page may offer, read before sign-in so it never probes a route this instance lacks.
  files.set('settings.json', staticFile(Buffer.from(JSON.stringify({ webhook_api: deps.webhookApi !== undefined })), 'application/json; charset=utf-8'));

  app.setErrorHandler(httpErrorHandler(deps.logger, reportsProblem));
  app.setNotFoundHandler(notFoundHandler);
  registerRequestMetrics(app, deps.registry, 'reports');
  app.addHook('onRequest', apiKeyHook({ apiKeys: deps.apiKeys, limiter: deps.limiter, limits: deps.limits, requiresKey }));
  app.addHook('onRequest', scopeHook(reportsPolicies));
  registerIdempotency(app, { ...deps.idempotency, service: 'reports', registry: deps.registry, logger: deps.logger });

  registerReportRoutes(app, deps);
  registerLogRoutes(app, deps);
  registerAccountRoutes(app, deps);
  registerTraceRoutes(app, deps);
  registerCompletenessRoutes(app, deps);
  registerPanelRoutes(app, files);
  if (deps.webhookApi !== undefined) registerWebhookApiProxy(app, { ...deps.webhookApi, maxBodyBytes: 64 * 1024 });
  registerOpenApiRoute(app, reportsApiDocument({ ...deps.settings, webhookApiProxy: deps.webhookApi !== undefined }));
  return app;
}
