import type { Logger } from '../log/logger.js';
import type { ConnectionRejectedError, Engine } from './connection-rejected-error.js';

/** One authenticated round trip to an engine, and how to read its failure. */
export interface ConnectionProbe {
  readonly engine: Engine;
  run(): Promise<void>;
  /** A ConnectionRejectedError when the failure is the credentials' or TLS settings' fault; undefined otherwise. */
  explain(error: unknown): ConnectionRejectedError | undefined;
}

/**
 * Runs at a service's start, before its loops: a rejected password, user or certificate stops the
 * service with a ConnectionRejectedError naming the engine and the setting (ServiceRunner prints
 * it as one line and exits 2). An engine that is merely unreachable is logged and left to the
 * service's own retries, as before: it may come up later, a wrong password will not.
 */
export async function verifyConnections(probes: readonly ConnectionProbe[], logger: Logger): Promise<void> {
  const outcomes = await Promise.allSettled(probes.map((probe) => probe.run()));
  for (const [index, outcome] of outcomes.entries()) {
    const probe = probes[index];
    if (outcome.status === 'fulfilled' || probe === undefined) continue;
    const rejected = probe.explain(outcome.reason);
    if (rejected !== undefined) throw rejected;
    logger.warn({ engine: probe.engine, err: outcome.reason }, 'engine not reachable at start; the service keeps retrying');
  }
}
