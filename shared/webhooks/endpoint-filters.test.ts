import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../testing/sample-event.js';
import { parseAuthEvent } from '../event/parse-auth-event.js';
import { endpointFiltersSchema, filterableEvent, matchesFilters, parseStoredFilters } from './endpoint-filters.js';

const event = { eventType: 'authentication', result: 'denied', reason: 'out_of_date', applicationKey: 'DI0001', userKey: 'DU0001', groups: ['engineering', 'admins'], ip: '198.51.100.23' };
const none = endpointFiltersSchema.parse({});

describe('endpoint filters', () => {
  it('match everything when empty, and narrow by each list', () => {
    expect(matchesFilters(none, event)).toBe(true);
    expect(matchesFilters({ ...none, results: ['denied', 'fraud'] }, event)).toBe(true);
    expect(matchesFilters({ ...none, results: ['success'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, reasons: ['out_of_date'], applications: ['DI0001'] }, event)).toBe(true);
    expect(matchesFilters({ ...none, applications: ['DI0002'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, event_types: ['enrollment'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, applications: ['DI0001'] }, { ...event, applicationKey: undefined })).toBe(false);
  });

  it('users: any of the keys; groups: any of the user\'s groups in the list; both as exact values', () => {
    expect(matchesFilters({ ...none, users: ['DU0002', 'DU0001'] }, event)).toBe(true);
    expect(matchesFilters({ ...none, users: ['DU0002'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, users: ['du0001'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, groups: ['admins'] }, event)).toBe(true);
    expect(matchesFilters({ ...none, groups: ['finance', 'engineering'] }, event)).toBe(true);
    expect(matchesFilters({ ...none, groups: ['finance'] }, event)).toBe(false);
    expect(matchesFilters({ ...none, groups: ['admins'] }, { ...event, groups: [] })).toBe(false);
  });

  it('ip: an address or a CIDR block of either family, matched like the reports API (Elasticsearch ip field)', () => {
    const ip = (list: string[], address: string | null) => matchesFilters(endpointFiltersSchema.parse({ ip: list }), { ...event, ip: address });
    expect(ip(['198.51.100.0/24'], '198.51.100.23')).toBe(true);
    expect(ip(['198.51.100.23'], '198.51.100.23')).toBe(true);
    expect(ip(['198.51.101.0/24'], '198.51.100.23')).toBe(false);
    expect(ip(['10.0.0.0/8', '2001:db8::/32'], '2001:db8:1::7')).toBe(true);
    expect(ip(['2001:db8::/32'], '2001:db9::7')).toBe(false);
    expect(ip(['198.51.100.0/24'], '::ffff:198.51.100.9')).toBe(true);
    expect(ip(['198.51.100.0/24'], null)).toBe(false);
    // Across lists all must match.
    expect(matchesFilters(endpointFiltersSchema.parse({ ip: ['198.51.100.0/24'], users: ['DU0001'], results: ['denied'] }), event)).toBe(true);
    expect(matchesFilters(endpointFiltersSchema.parse({ ip: ['198.51.100.0/24'], users: ['DU0009'] }), event)).toBe(false);
  });

  it('take the fields of an event of the model', () => {
    const parsed = parseAuthEvent(sampleEvent({ result: 'denied', reason: 'out_of_date' }));
    expect(filterableEvent(parsed)).toEqual({
      eventType: parsed.event_type,
      result: 'denied',
      reason: 'out_of_date',
      applicationKey: parsed.application.key,
      userKey: parsed.user.key,
      groups: parsed.user.groups,
      ip: parsed.access_device.ip,
    });
  });

  it('reject unknown filters and values, naming the field; normalise and dedupe', () => {
    const unknownKey = endpointFiltersSchema.safeParse({ countries: ['US'] });
    expect(unknownKey.success).toBe(false);
    expect(unknownKey.error?.issues[0]?.code).toBe('unrecognized_keys');
    const unknownReason = endpointFiltersSchema.safeParse({ reasons: ['user_approved', 'bad_weather'] });
    expect(unknownReason.error?.issues[0]?.path).toEqual(['reasons', 1]);
    expect(endpointFiltersSchema.parse({ results: ['denied', 'denied'] }).results).toEqual(['denied']);
    for (const [filters, path] of [
      [{ ip: ['10.0.0.0/33'] }, ['ip', 0]],
      [{ ip: ['10.0.0.1', 'example.com'] }, ['ip', 1]],
      [{ ip: Array.from({ length: 21 }, (_, n) => `10.0.0.${n}`) }, ['ip']],
      [{ users: ['ok', 'not ok'] }, ['users', 1]],
      [{ groups: [''] }, ['groups', 0]],
      [{ groups: ['g'.repeat(256)] }, ['groups', 0]],
    ] as const) {
      expect(endpointFiltersSchema.safeParse(filters).error?.issues[0]?.path, JSON.stringify(filters).slice(0, 60)).toEqual(path);
    }
    expect(endpointFiltersSchema.parse({ ip: [' 10.0.0.0/8 '] }).ip).toEqual(['10.0.0.0/8']);
  });

  it('stored before users, groups and ip existed still parse, as "any"', () => {
    expect(parseStoredFilters('{"event_types":[],"results":["denied"],"reasons":[],"applications":[]}')).toEqual({ ...none, results: ['denied'] });
  });
});
