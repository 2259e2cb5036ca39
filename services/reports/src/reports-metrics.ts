import { Counter, type Registry } from 'prom-client';
import type { ApiMetrics } from './http/api-dependencies.js';

/** The service's own series, on its registry (beside the process metrics and shared/http's request metrics). */
export function createReportsMetrics(registry: Registry): ApiMetrics {
  return {
    exportedEvents: new Counter({
      name: 'reports_exported_events_total',
      help: 'Events written to exports, by format',
      labelNames: ['format'],
      registers: [registry],
    }),
  };
}
