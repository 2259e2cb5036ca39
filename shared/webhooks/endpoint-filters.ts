import { z } from 'zod';
import { EVENT_TYPES, REASONS, RESULTS } from '../event/vocabulary.js';

/**
 * Which events an endpoint receives. Each list narrows the selection; an empty list means "any".
 * Event types, results and reasons are the closed vocabularies of the event model, so a typo is a
 * 400 naming the field instead of an endpoint that silently never fires.
 */
export interface EndpointFilters {
  readonly event_types: readonly string[];
  readonly results: readonly string[];
  readonly reasons: readonly string[];
  /** Application keys (AuthEvent.application.key). */
  readonly applications: readonly string[];
}

export const NO_FILTERS: EndpointFilters = Object.freeze({ event_types: [], results: [], reasons: [], applications: [] });

const APPLICATION_KEY = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
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
      applications: listOf(z.string().regex(APPLICATION_KEY, { message: 'an application key (1-64 of A-Z a-z 0-9 . _ : -)' }), 100),
    },
    { message: 'an object {event_types, results, reasons, applications}' },
  )
  .strict();

/** The fields of an event that filters look at. */
export interface FilterableEvent {
  readonly eventType: string;
  readonly result: string | undefined;
  readonly reason: string | undefined;
  readonly applicationKey: string | undefined;
}

export function matchesFilters(filters: EndpointFilters, event: FilterableEvent): boolean {
  return (
    allows(filters.event_types, event.eventType) &&
    allows(filters.results, event.result) &&
    allows(filters.reasons, event.reason) &&
    allows(filters.applications, event.applicationKey)
  );
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
