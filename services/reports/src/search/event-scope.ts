import type { estypes } from '@elastic/elasticsearch';
import type { AuthResult, EventType, Factor, Reason } from '../../../../shared/event/vocabulary.js';
import type { IpFilter } from '../../../../shared/event/ip-filter.js';
import type { TimeRange } from '../params/time-range.js';

/** Optional narrowing a caller may ask for; every list is OR within itself, AND across lists. */
export interface EventFilters {
  readonly users: readonly string[];
  readonly applications: readonly string[];
  readonly results: readonly AuthResult[];
  readonly reasons: readonly Reason[];
  readonly factors: readonly Factor[];
  readonly ips: readonly IpFilter[];
  readonly eventTypes: readonly EventType[];
}

export const NO_FILTERS: EventFilters = Object.freeze({ users: [], applications: [], results: [], reasons: [], factors: [], ips: [], eventTypes: [] });

/**
 * What one request may read: one account (always the authenticated caller's, set by the server),
 * one time range, and the caller's filters. Every Elasticsearch query is built from a scope, so the
 * account filter cannot be left out or replaced.
 */
export interface EventScope {
  readonly accountId: string;
  readonly range: TimeRange;
  readonly filters: EventFilters;
}

/**
 * The query of a scope: term/terms/range filters only (no scoring, cacheable), never text from the
 * caller parsed as query syntax. Values are passed as data, so "*" or "a OR b" match literally.
 */
export function scopeQuery(scope: EventScope): estypes.QueryDslQueryContainer {
  const { filters, range } = scope;
  const filter: estypes.QueryDslQueryContainer[] = [
    { term: { account_id: scope.accountId } },
    { range: { timestamp: { gte: range.fromMs, lt: range.toMs, format: 'epoch_millis' } } },
  ];
  const terms = (field: string, values: readonly string[]) => {
    if (values.length > 0) filter.push({ terms: { [field]: [...values] } });
  };
  terms('user.key', filters.users);
  terms('application.key', filters.applications);
  terms('result', filters.results);
  terms('reason', filters.reasons);
  terms('factor', filters.factors);
  terms('event_type', filters.eventTypes);
  if (filters.ips.length > 0) {
    filter.push({ bool: { should: filters.ips.map((ip) => ({ term: { 'access_device.ip': ip.value } })), minimum_should_match: 1 } });
  }
  return { bool: { filter } };
}

/** The account and filters as a stable string, to tie a cursor or an export link to its query. */
export function describeFilters(accountId: string, filters: EventFilters): string {
  const sorted = (values: readonly string[]) => [...values].sort().join(',');
  return [
    accountId,
    sorted(filters.users),
    sorted(filters.applications),
    sorted(filters.results),
    sorted(filters.reasons),
    sorted(filters.factors),
    sorted(filters.ips.map((ip) => ip.value)),
    sorted(filters.eventTypes),
  ].join('|');
}
