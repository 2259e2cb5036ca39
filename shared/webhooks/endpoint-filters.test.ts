import { describe, expect, it } from 'vitest';
import { endpointFiltersSchema, matchesFilters } from './endpoint-filters.js';

const event = { eventType: 'authentication', result: 'denied', reason: 'out_of_date', applicationKey: 'DI0001' };

describe('endpoint filters', () => {
  it('match everything when empty, and narrow by each list', () => {
    const none = endpointFiltersSchema.parse({});
    expect(matchesFilters(none, event)).toBe(true);
    expect(matchesFilters({ ...none, results: ['denied', 'fraud'] }, event)).toBe(true);
    expect(matchesFilters({ ...none, results: ['success'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, reasons: ['out_of_date'], applications: ['DI0001'] }, event)).toBe(true);
    expect(matchesFilters({ ...none, applications: ['DI0002'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, event_types: ['enrollment'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, applications: ['DI0001'] }, { ...event, applicationKey: undefined })).toBe(false);
  });

  it('reject unknown filters and values, naming the field', () => {
    const unknownKey = endpointFiltersSchema.safeParse({ countries: ['US'] });
    expect(unknownKey.success).toBe(false);
    expect(unknownKey.error?.issues[0]?.code).toBe('unrecognized_keys');
    const unknownReason = endpointFiltersSchema.safeParse({ reasons: ['user_approved', 'bad_weather'] });
    expect(unknownReason.error?.issues[0]?.path).toEqual(['reasons', 1]);
    expect(endpointFiltersSchema.parse({ results: ['denied', 'denied'] }).results).toEqual(['denied']);
  });
});
