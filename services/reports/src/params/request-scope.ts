import { ValidationError } from '../../../../shared/errors/validation-error.js';
import type { Account } from '../accounts/account-store.js';
import { NO_FILTERS, type EventFilters, type EventScope } from '../search/event-scope.js';
import type { FilterParams, RangeParams } from './endpoint-params.js';
import { resolveTimeRange, type RangeLimits } from './time-range.js';
import { canonicalTimeZone } from './time-zone.js';

/**
 * The scope of one request: the account is the authenticated caller's (never a parameter), the time
 * zone the request's `tz` or else the account's, the range and filters from the parameters, and
 * `forced` filters a report imposes (e.g. result=success for distinct successful users).
 */
export function requestScope(account: Account, params: RangeParams & FilterParams, limits: RangeLimits, forced: Partial<EventFilters> = {}, nowMs?: number): EventScope {
  const timeZone = params.tz === undefined ? account.timeZone : canonicalTimeZone(params.tz);
  if (timeZone === null) throw new ValidationError([{ field: 'tz', expected: 'an IANA time zone name, e.g. America/New_York or UTC' }]);
  const filters: EventFilters = {
    ...NO_FILTERS,
    users: params.users ?? [],
    applications: params.applications ?? [],
    results: params.results ?? [],
    reasons: params.reasons ?? [],
    factors: params.factors ?? [],
    eventTypes: params.event_types ?? [],
    ips: params.ip ?? [],
    ...forced,
  };
  return { accountId: account.accountId, range: resolveTimeRange(params, timeZone, limits, nowMs), filters };
}
