import { Counter, Histogram, type Registry } from 'prom-client';
import type { ApiMetrics } from './http/api-dependencies.js';

/** The service's own series, on its registry (beside the process metrics). */
export function createReportsMetrics(registry: Registry): ApiMetrics {
  return {
    requestSeconds: new Histogram({
      name: 'reports_http_request_duration_seconds',
      help: 'Reports API and panel requests by route, method and status',
      labelNames: ['route', 'method', 'status'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    exportedEvents: new Counter({
      name: 'reports_exported_events_total',
      help: 'Events written to exports, by format',
      labelNames: ['format'],
      registers: [registry],
    }),
  };
}
