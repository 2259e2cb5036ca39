import { Counter, type Registry } from 'prom-client';

export type NoticeOutcome = 'queued' | 'delivered' | 'failed' | 'dropped';

const NAME = 'webhook_operational_notices_total';

/** `webhook_operational_notices_total{type,outcome}`, one per registry (the API and the dispatcher both count). */
export function operationalNoticesCounter(registry: Registry): Counter<'type' | 'outcome'> {
  const existing = registry.getSingleMetric(NAME);
  if (existing !== undefined) return existing as Counter<'type' | 'outcome'>;
  return new Counter({
    name: NAME,
    help: 'Operational webhook notices: queued when emitted; delivered, failed (retries ran out) or dropped (no enabled operational endpoint) by the dispatcher',
    labelNames: ['type', 'outcome'],
    registers: [registry],
  });
}
