import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/validation-error.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { parseAuthEvent } from './parse-auth-event.js';

function issuesOf(input: unknown): { field: string; expected: string }[] {
  try {
    parseAuthEvent(input);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return [...(error as ValidationError).issues];
  }
  throw new Error('expected a ValidationError');
}

const base = sampleEvent() as Record<string, unknown>;
const withDevice = (device: Record<string, unknown>) => ({ ...base, access_device: { ...(base.access_device as object), ...device } });

describe('parseAuthEvent', () => {
  it('accepts a valid event and normalises it', () => {
    const event = parseAuthEvent({ ...base, timestamp: '2026-11-26T13:00:00+01:00', auth_device: undefined, ood_software: undefined });
    expect(event.timestamp).toBe('2026-11-26T12:00:00.000Z');
    expect(event.schema_version).toBe(1);
    expect(event.auth_device).toBeNull();
    expect(event.ood_software).toBeNull();
  });

  it('accepts a Date timestamp', () => {
    expect(parseAuthEvent({ ...base, timestamp: new Date('2026-01-02T03:04:05.678Z') }).timestamp).toBe('2026-01-02T03:04:05.678Z');
  });

  // Each case: what is wrong, the field the error must name, and a fragment of what it must expect.
  const cases: [string, unknown, string, RegExp][] = [
    ['not an object', 'login', '(event)', /event object/],
    ['missing account', { ...base, account_id: undefined }, 'account_id', /string/],
    ['account with spaces', { ...base, account_id: 'acct 1' }, 'account_id', /1-64 characters/],
    ['txid too long', { ...base, txid: 'x'.repeat(65) }, 'txid', /1-64 characters/],
    ['timestamp without offset', { ...base, timestamp: '2026-11-26T10:00:00' }, 'timestamp', /with offset/],
    ['timestamp garbage', { ...base, timestamp: 'yesterday' }, 'timestamp', /ISO 8601/],
    ['timestamp a number', { ...base, timestamp: 1764151200 }, 'timestamp', /ISO 8601/],
    ['unknown event type', { ...base, event_type: 'logout' }, 'event_type', /authentication, enrollment/],
    ['unknown result', { ...base, result: 'maybe' }, 'result', /success, denied, fraud/],
    ['unknown reason', { ...base, reason: 'felt_like_it' }, 'reason', /one of the 45 reasons/],
    ['unknown factor', { ...base, factor: 'carrier_pigeon' }, 'factor', /one of the 18 factors/],
    ['success with a denial reason', { ...base, result: 'success', reason: 'out_of_date' }, 'reason', /success reason/],
    ['denied with a success reason', { ...base, result: 'denied', reason: 'user_approved' }, 'reason', /denial reason/],
    ['missing user', { ...base, user: undefined }, 'user', /\{key, name, groups\}/],
    ['user key missing', { ...base, user: { name: 'a' } }, 'user.key', /string/],
    ['too many groups', { ...base, user: { key: 'u', name: 'a', groups: Array(101).fill('g') } }, 'user.groups', /at most 100/],
    ['application name too long', { ...base, application: { key: 'a', name: 'n'.repeat(256) } }, 'application.name', /at most 255/],
    ['bad access ip', withDevice({ ip: '999.1.1.1' }), 'access_device.ip', /IPv4 or IPv6/],
    ['posture not boolean', withDevice({ is_encryption_enabled: 'yes' }), 'access_device.is_encryption_enabled', /true, false or null/],
    ['location not an object', withDevice({ location: 'Paris' }), 'access_device.location', /city, state, country/],
    ['bad auth device ip', { ...base, auth_device: { name: 'phone', ip: 'phone', location: {} } }, 'auth_device.ip', /IPv4 or IPv6/],
    ['unknown top-level field', { ...base, severity: 'high' }, '(event)', /no unknown fields \(severity\)/],
    ['unknown nested field', withDevice({ mac: 'aa:bb' }), 'access_device', /no unknown fields \(mac\)/],
    ['wrong schema version', { ...base, schema_version: 2 }, 'schema_version', /1/],
  ];

  it.each(cases)('%s: names %s', (_, input, field, expected) => {
    const issues = issuesOf(input);
    const issue = issues.find((candidate) => candidate.field === field);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.expected).toMatch(expected);
  });

  it('names every bad field at once', () => {
    const fields = issuesOf({ ...base, result: 'maybe', factor: 'pigeon' }).map((issue) => issue.field);
    expect(fields).toEqual(expect.arrayContaining(['result', 'factor']));
  });

  it('writes a message that names the field', () => {
    expect(() => parseAuthEvent({ ...base, factor: 'pigeon' })).toThrow(/factor: one of the 18 factors/);
  });
});
