import type { FastifyInstance } from 'fastify';
import { Histogram, type Registry } from 'prom-client';

const started = new WeakMap<object, bigint>();

/**
 * `<service>_http_request_duration_seconds{method, route, status}`, the same series in every API
 * (its _count is the request count). `route` is the matched pattern, never the raw URL, so ids in
 * paths cannot multiply the series.
 */
export function registerRequestMetrics(app: FastifyInstance, registry: Registry, service: string): Histogram<'method' | 'route' | 'status'> {
  const seconds = new Histogram({
    name: `${service.replaceAll('-', '_')}_http_request_duration_seconds`,
    help: 'HTTP requests by method, matched route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  app.addHook('onRequest', async (request) => {
    started.set(request, process.hrtime.bigint());
  });
  app.addHook('onResponse', async (request, reply) => {
    const begin = started.get(request) ?? process.hrtime.bigint();
    seconds.observe({ method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }, Number(process.hrtime.bigint() - begin) / 1e9);
  });
  return seconds;
}
