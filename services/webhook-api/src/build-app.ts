import Fastify, { type FastifyInstance } from 'fastify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { Logger } from '../../../shared/log/logger.js';
import { errorBody, errorHandler } from './api-errors.js';
import { authenticate } from './authenticate.js';
import type { ApiKeyStore } from '../../../shared/auth/api-key-store.js';
import { deliveryRoutes, type DeliveryRouteDependencies } from './delivery-routes.js';
import { endpointRoutes, type EndpointRouteDependencies } from './endpoint-routes.js';

export interface AppDependencies {
  readonly apiKeys: ApiKeyStore;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly endpointRoutes: EndpointRouteDependencies;
  readonly deliveryRoutes: Omit<DeliveryRouteDependencies, 'schemas' | 'endpoints'>;
}

/** The Fastify app: JSON in and out, every /v1 route behind API-key authentication. */
export function buildApp(deps: AppDependencies): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 64 * 1024, return503OnClosing: true });
  const requests = new Counter({ name: 'webhook_api_requests_total', help: 'API requests by route and status', labelNames: ['method', 'route', 'status'], registers: [deps.registry] });
  const seconds = new Histogram({
    name: 'webhook_api_request_duration_seconds',
    help: 'API request duration by route',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [deps.registry],
  });
  const started = new WeakMap<object, number>();
  app.addHook('onRequest', async (request) => {
    started.set(request, performance.now());
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unknown';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    seconds.observe({ method: request.method, route }, (performance.now() - (started.get(request) ?? performance.now())) / 1000);
  });
  app.addHook('onRequest', authenticate(deps.apiKeys));
  app.setErrorHandler(errorHandler(deps.logger));
  app.setNotFoundHandler((_request, reply) => reply.code(404).send(errorBody('not_found', 'no such route')));
  endpointRoutes(app, deps.endpointRoutes);
  deliveryRoutes(app, { ...deps.deliveryRoutes, endpoints: deps.endpointRoutes.endpoints, schemas: deps.endpointRoutes.schemas });
  return app;
}
