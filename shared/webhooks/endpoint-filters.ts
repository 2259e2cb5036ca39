import { z } from 'zod';
import { ipFilterMatcher, parseIpFilter } from '../event/ip-filter.js';
import { EVENT_TYPES, REASONS, RESULTS } from '../event/vocabulary.js';

/**
 * Which events an endpoint receives. Each list narrows the selection; an empty list means "any";
 * within a list any value matches, across lists all must (the reports API's filters: same names,
 * same values, same semantics). Event types, results and reasons are the closed vocabularies of the
 * event model, so a typo is a 400 naming the field instead of an endpoint that silently never fires.
 */
export interface EndpointFilters {
  readonly event_types: readonly string[];
  readonly results: readonly string[];
  readonly reasons: readonly string[];
  /** Application keys (AuthEvent.application.key). */
  readonly applications: readonly string[];
  /** User keys (AuthEvent.user.key). */
  readonly users: readonly string[];
  /** Group names: an event matches when any of its user's groups (AuthEvent.user.groups) is listed. */
  readonly groups: readonly string[];
  /** Addresses or CIDR blocks, IPv4 or IPv6, of AuthEvent.access_device.ip (normalised as the reports API does). */
  readonly ip: readonly string[];
}

export const NO_FILTERS: EndpointFilters = Object.freeze({ event_types: [], results: [], reasons: [], applications: [], users: [], groups: [], ip: [] });

/** Application and user keys: the identifiers of the event model and of the reports API's filters. */
const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
const ipValue = z.string({ message: 'an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24)' }).transform((value, context) => {
  const parsed = parseIpFilter(value);
  if (parsed === null) {
    context.addIssue({ code: 'custom', message: `an IPv4 or IPv6 address or CIDR block (e.g. 203.0.113.0/24), not ${JSON.stringify(value.slice(0, 60))}` });
    return z.NEVER;
  }
  return parsed.value;
});
const unique = <T>(values: readonly T[]) => [...new Set(values)];
const listOf = <Item extends z.ZodType<string>>(item: Item, max: number) =>
  z
    .array(item, { message: `a list of at most ${max} values` })
    .max(max, { message: `at most ${max} values` })
    .default([])
    .transform(unique);

export const endpointFiltersSchema = z
  .object(
    {
      event_types: listOf(z.enum(EVENT_TYPES, { message: `one of: ${EVENT_TYPES.join(', ')}` }), EVENT_TYPES.length),
      results: listOf(z.enum(RESULTS, { message: `one of: ${RESULTS.join(', ')}` }), RESULTS.length),
      reasons: listOf(z.enum(REASONS, { message: 'a reason of the authentication log (e.g. out_of_date, user_approved)' }), REASONS.length),
      applications: listOf(z.string().regex(IDENTIFIER, { message: 'an application key (1-64 of A-Z a-z 0-9 . _ : -)' }), 100),
      users: listOf(z.string().regex(IDENTIFIER, { message: 'a user key (1-64 of A-Z a-z 0-9 . _ : -)' }), 100),
      groups: listOf(z.string().min(1, { message: 'a group name' }).max(255, { message: 'a group name of at most 255 characters' }), 100),
      ip: listOf(ipValue, 20),
    },
    { message: 'an object {event_types, results, reasons, applications, users, groups, ip}' },
  )
  .strict();

/** The fields of an event that filters look at. */
export interface FilterableEvent {
  readonly eventType: string;
  readonly result: string | undefined;
  readonly reason: string | undefined;
  readonly applicationKey: string | undefined;
  readonly userKey: string | undefined;
  readonly groups: readonly string[];
  /** access_device.ip */
  readonly ip: string | null | undefined;
}

/** The filterable fields of an event of the model (a partial one: what is missing matches no list). */
export function filterableEvent(event: {
  readonly event_type: string;
  readonly result?: string | null | undefined;
  readonly reason?: string | null | undefined;
  readonly application?: { readonly key?: string | undefined } | undefined;
  readonly user?: { readonly key?: string | undefined; readonly groups?: readonly string[] | undefined } | undefined;
  readonly access_device?: { readonly ip?: string | null | undefined } | null | undefined;
}): FilterableEvent {
  return {
    eventType: event.event_type,
    result: event.result ?? undefined,
    reason: event.reason ?? undefined,
    applicationKey: event.application?.key,
    userKey: event.user?.key,
    groups: event.user?.groups ?? [],
    ip: event.access_device?.ip,
  };
}

/** Parsed IP blocks per filters object: endpoints' filters are cached, so each is parsed once. */
const ipMatchers = new WeakMap<EndpointFilters, (address: string | null | undefined) => boolean>();

export function matchesFilters(filters: EndpointFilters, event: FilterableEvent): boolean {
  return (
    allows(filters.event_types, event.eventType) &&
    allows(filters.results, event.result) &&
    allows(filters.reasons, event.reason) &&
    allows(filters.applications, event.applicationKey) &&
    allows(filters.users, event.userKey) &&
    (filters.groups.length === 0 || event.groups.some((group) => filters.groups.includes(group))) &&
    (filters.ip.length === 0 || ipMatcherOf(filters)(event.ip))
  );
}

function ipMatcherOf(filters: EndpointFilters): (address: string | null | undefined) => boolean {
  let matcher = ipMatchers.get(filters);
  if (matcher === undefined) ipMatchers.set(filters, (matcher = ipFilterMatcher(filters.ip)));
  return matcher;
}

function allows(list: readonly string[], value: string | undefined): boolean {
  return list.length === 0 || (value !== undefined && list.includes(value));
}

/** Stored filters (JSON text) back to the object. Damaged text throws: a filter must never widen silently. */
export function parseStoredFilters(text: string): EndpointFilters {
  const parsed = endpointFiltersSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new Error(`stored endpoint filters do not parse: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
