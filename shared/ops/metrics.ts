import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One registry per service instance (never prom-client's global one), so tests can run several
 * instances in one process and each /metrics shows only its own series.
 */
export function createMetricsRegistry(service: string, options: { processMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}
