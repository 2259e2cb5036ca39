/**
 * Naming of the Elasticsearch indices that hold authentication events. One index per month (UTC)
 * keeps deletes of expired data cheap (drop an index) and lets old months be force-merged; readers
 * go through the alias, never an index name.
 *
 *   <prefix>-events-2026.11   a month of events
 *   <prefix>-events           read alias over all months (reports, exports)
 *
 * The prefix (default "authlog") lets tests and environments share one cluster.
 */
export interface EventIndexNames {
  readonly prefix: string;
  /** Read alias over every monthly index. */
  readonly alias: string;
  /** Index pattern the template applies to. */
  readonly pattern: string;
  readonly templateName: string;
}

export function eventIndexNames(prefix = 'authlog'): EventIndexNames {
  return Object.freeze({
    prefix,
    alias: `${prefix}-events`,
    pattern: `${prefix}-events-*`,
    templateName: `${prefix}-events`,
  });
}

/** The monthly index an event belongs to, from its timestamp (ISO 8601, UTC). */
export function monthlyIndexFor(names: EventIndexNames, timestamp: string): string {
  // The first 7 characters of a UTC ISO timestamp are YYYY-MM.
  return `${names.prefix}-events-${timestamp.slice(0, 4)}.${timestamp.slice(5, 7)}`;
}
