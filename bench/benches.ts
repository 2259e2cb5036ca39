import type { Bench } from './support/bench-context.js';

/**
 * Every benchmark by name (`npm run bench -- <name>`). Loaded lazily so one benchmark's imports
 * do not slow down another's start.
 */
export const benches: Record<string, () => Promise<Bench>> = {
  'outbox-write': async () => (await import('./outbox-write.js')).default,
  'indexer-throughput': async () => (await import('./indexer-throughput.js')).default,
  backfill: async () => (await import('./backfill.js')).default,
  freshness: async () => (await import('./freshness.js')).default,
  'webhook-throughput': async () => (await import('./webhook-throughput.js')).default,
  'webhook-latency': async () => (await import('./webhook-latency.js')).default,
  'webhook-fsync': async () => (await import('./webhook-fsync.js')).default,
  'webhook-messages': async () => (await import('./webhook-messages.js')).default,
  'relay-drain': async () => (await import('./relay-drain.js')).default,
  'relay-latency': async () => (await import('./relay-latency.js')).default,
  reports: async () => (await import('./reports.js')).default,
  republish: async () => (await import('./republish.js')).default,
};
