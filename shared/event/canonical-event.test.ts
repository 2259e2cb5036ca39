import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseAuthEvent } from './parse-auth-event.js';
import { AuthSimulator } from '../simulation/auth-simulator.js';
import { SeededRandom } from '../simulation/random.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { isCanonicalAuthEvent } from './canonical-event.js';

type Json = Record<string, unknown>;

/** An event as it travels on Kafka: parseAuthEvent's output, serialised and parsed back. */
const onTheWire = (input: unknown): Json => JSON.parse(JSON.stringify(parseAuthEvent(input))) as Json;
const base = onTheWire(sampleEvent());
const device = base.access_device as Json;
const withDevice = (fields: Json): Json => ({ ...base, access_device: { ...device, ...fields } });
const withUser = (fields: Json): Json => ({ ...base, user: { ...(base.user as Json), ...fields } });
const without = (object: Json, field: string): Json => Object.fromEntries(Object.entries(object).filter(([name]) => name !== field));

/** What the fast check must mean: parseAuthEvent accepts the value and returns it unchanged. */
function parsesUnchanged(value: unknown): boolean {
  try {
    return isDeepStrictEqual(parseAuthEvent(value), value);
  } catch {
    return false;
  }
}

describe('isCanonicalAuthEvent (the indexer hot path check)', () => {
  it('accepts simulated events as the relay publishes them', () => {
    const simulator = new AuthSimulator({ accounts: 50, usersPerAccount: 100, seed: 11 });
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-12-31T00:00:00Z');
    for (let n = 0; n < 2_000; n += 1) {
      const event = onTheWire(simulator.next(simulator.timestampBetween(from, to)));
      expect(isCanonicalAuthEvent(event), JSON.stringify(event)).toBe(true);
    }
    expect(isCanonicalAuthEvent(base)).toBe(true);
    expect(isCanonicalAuthEvent({ ...base, auth_device: null })).toBe(true);
  });

  // What Elasticsearch's strict mapping cannot catch, and the rest of what parseAuthEvent refuses.
  const refused: [string, unknown][] = [
    ['a string', JSON.stringify(base)],
    ['an array', [base]],
    ['null', null],
    ['txid a number', { ...base, txid: 42 }],
    ['txid not an identifier', { ...base, txid: 'has space' }],
    ['txid too long', { ...base, txid: 'x'.repeat(65) }],
    ['account_id missing', without(base, 'account_id')],
    ['account_id empty', { ...base, account_id: '' }],
    ['timestamp not a date', { ...base, timestamp: 'yesterday' }],
    ['timestamp a number', { ...base, timestamp: 1764151200000 }],
    ['timestamp before 2000', { ...base, timestamp: '1999-12-31T23:59:59.999Z' }],
    ['schema_version 2', { ...base, schema_version: 2 }],
    ['schema_version a string', { ...base, schema_version: '1' }],
    ['event_type unknown', { ...base, event_type: 'logout' }],
    ['result unknown', { ...base, result: 'maybe' }],
    ['reason unknown', { ...base, reason: 'felt_like_it' }],
    ['factor unknown', { ...base, factor: 'carrier_pigeon' }],
    ['factor a number', { ...base, factor: 7 }],
    ['success with a denial reason', { ...base, result: 'success', reason: 'out_of_date' }],
    ['fraud with a success reason', { ...base, result: 'fraud', reason: 'user_approved' }],
    ['an unknown top-level field', { ...base, severity: 'high' }],
    ['indexed_at already set', { ...base, indexed_at: '2026-11-26T10:00:00.000Z' }],
    ['an unknown nested field', withDevice({ mac: 'aa:bb' })],
    ['user name a number (a keyword would take it)', withUser({ name: 12 })],
    ['user name an array (a keyword would take it)', withUser({ name: ['a', 'b'] })],
    ['too many groups', withUser({ groups: Array.from({ length: 101 }, () => 'g') })],
    ['application name too long', { ...base, application: { key: 'DI1', name: 'n'.repeat(256) } }],
    ['bad access ip', withDevice({ ip: '999.1.1.1' })],
    ['access ip with a leading zero', withDevice({ ip: '01.2.3.4' })],
    ['posture a string', withDevice({ is_encryption_enabled: 'yes' })],
    ['location a string', withDevice({ location: 'Paris' })],
    ['bad auth device ip', { ...base, auth_device: { name: 'phone', ip: 'phone', location: { city: null, state: null, country: null } } }],
    ['too many security agents', withDevice({ security_agents: Array.from({ length: 33 }, () => 'agent') })],
  ];

  it.each(refused)('refuses %s (and so does parseAuthEvent)', (_, value) => {
    expect(isCanonicalAuthEvent(value)).toBe(false);
    expect(() => parseAuthEvent(value)).toThrow();
  });

  // Valid, but parseAuthEvent would change them: they take the slow path, which normalises them.
  const normalised: [string, Json][] = [
    ['a timestamp with an offset', { ...base, timestamp: '2026-11-26T11:00:00+01:00' }],
    ['a timestamp without milliseconds', { ...base, timestamp: '2026-11-26T10:00:00Z' }],
    // Date is lenient: these become 2 March, 1 March and the next day.
    ['a timestamp on 30 February', { ...base, timestamp: '2026-02-30T10:00:00.000Z' }],
    ['a timestamp on 29 February of a common year', { ...base, timestamp: '2100-02-29T10:00:00.000Z' }],
    ['a timestamp at hour 24', { ...base, timestamp: '2026-11-26T24:00:00.000Z' }],
    ['no schema_version (defaults to 1)', without(base, 'schema_version')],
    ['no auth_device (defaults to null)', without(base, 'auth_device')],
    ['no groups (default [])', { ...base, user: without(base.user as Json, 'groups') }],
    ['no access device location (defaults to nulls)', { ...base, access_device: without(device, 'location') }],
  ];

  it.each(normalised)('leaves %s to parseAuthEvent, which accepts and normalises it', (_, value) => {
    expect(isCanonicalAuthEvent(value)).toBe(false);
    expect(parsesUnchanged(value)).toBe(false);
    expect(isCanonicalAuthEvent(JSON.parse(JSON.stringify(parseAuthEvent(value))))).toBe(true);
  });

  it('accepts exactly what parseAuthEvent returns unchanged, at every boundary of the schema (differential)', () => {
    const random = new SeededRandom(3);
    const tricky: unknown[] = [
      null, true, false, 0, 1, 2, -1, 1.5, '', ' ', '1', 'a', '"', '\\', 'é', '\u0000', [], ['a'], [1], {}, { a: 1 },
      'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(65), 'a.b_c:d-e', '.starts-with-dot', '-dash', 'tab\there',
      'n'.repeat(64), 'n'.repeat(65), 'n'.repeat(128), 'n'.repeat(129), 'n'.repeat(255), 'n'.repeat(256),
      Array.from({ length: 32 }, () => 'a'), Array.from({ length: 33 }, () => 'a'), Array.from({ length: 100 }, () => 'g'), Array.from({ length: 101 }, () => 'g'), ['n'.repeat(129)], ['n'.repeat(256)], [null],
      '203.0.113.7', '0.0.0.0', '255.255.255.255', '256.0.0.1', '1.2.3', '1.2.3.4.', '1.2.3.4.5', '1..2.3', '01.2.3.4', '1.2.3.04', '00.0.0.0', '1.2.3.4 ', '::1', '2001:db8::1', '::ffff:1.2.3.4', 'fe80::1%eth0', '1.2.3.x',
      '2026-11-26T10:00:00.000Z', '2000-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z', '2000-02-29T12:00:00.000Z', '2100-02-29T12:00:00.000Z', '2400-02-29T12:00:00.000Z', '2024-02-29T00:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-12-31T23:59:59.999Z', '2026-13-01T00:00:00.000Z', '2026-00-10T00:00:00.000Z', '2026-11-00T00:00:00.000Z', '2026-11-26T23:60:00.000Z', '2026-11-26T23:59:60.000Z', '2026-11-26T10:00:00.000z', '2026-11-26 10:00:00.000Z', '2026-11-26T10:00:00.000+00:00', '2026-11-26T10:00:00Z', '+02026-11-26T10:00:00.000Z', '2026-11-26T1a:00:00.000Z',
      'authentication', 'enrollment', 'success', 'denied', 'fraud', 'user_approved', 'out_of_date', 'invalid_passcode', 'duo_push', 'webauthn_touch_id',
      { city: null, state: null, country: null }, { city: 'Paris', state: null }, { city: 'Paris', state: null, country: null, zip: '1' }, { key: 'DU1', name: 'a', groups: [] }, { key: 'DI1', name: 'a' }, { name: null, ip: null, location: { city: null, state: null, country: null } },
    ];
    const objects = (value: unknown, path: string[]): string[][] => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
      return Object.entries(value).flatMap(([field, inner]) => [[...path, field], ...objects(inner, [...path, field])]);
    };
    const paths = objects({ ...base, auth_device: { name: 'a', ip: '198.51.100.9', location: { city: null, state: null, country: null } } }, []);
    const set = (event: Json, path: string[], value: unknown): Json => {
      const [field, ...rest] = path as [string, ...string[]];
      if (rest.length === 0) return value === undefined ? without(event, field) : { ...event, [field]: value };
      const inner = event[field];
      return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? { ...event, [field]: set(inner as Json, rest, value) } : event;
    };
    let accepted = 0;
    let refusedCount = 0;
    for (let n = 0; n < 20_000; n += 1) {
      let event: Json = random.next() < 0.5 ? base : { ...base, auth_device: { name: 'a', ip: '198.51.100.9', location: { city: null, state: null, country: null } } };
      // One to three changes: a tricky value or a deletion at any path, or an unknown field.
      for (let changes = 1 + random.int(3); changes > 0; changes -= 1) {
        const path = random.pick(paths);
        const draw = random.next();
        event = draw < 0.08 ? set(event, path, undefined) : draw < 0.12 ? set(event, [...path.slice(0, -1), 'extra'], 'x') : set(event, path, random.pick(tricky));
      }
      const expected = parsesUnchanged(event);
      expect(isCanonicalAuthEvent(event), JSON.stringify(event)).toBe(expected);
      if (expected) accepted += 1;
      else refusedCount += 1;
    }
    // Not vacuous: both answers came up many times.
    expect(accepted).toBeGreaterThan(1_000);
    expect(refusedCount).toBeGreaterThan(1_000);
  });
});
