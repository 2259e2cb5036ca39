import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../testing/sample-event.js';
import { AuthSimulator } from '../simulation/auth-simulator.js';
import { SeededRandom } from '../simulation/random.js';
import { isCanonicalAuthEvent } from './canonical-event.js';
import { scanCanonicalEvent } from './canonical-event-bytes.js';
import { parseAuthEvent } from './parse-auth-event.js';

type Json = Record<string, unknown>;

/** The value the relay publishes for an event. */
const wire = (input: unknown): string => JSON.stringify(parseAuthEvent(input));
const keysOf = (event: Json) => ({ account_id: event.account_id, txid: event.txid, timestamp: event.timestamp, event_type: event.event_type });
const scan = (text: string) => scanCanonicalEvent(Buffer.from(text, 'utf8'));

/** What the scan must mean: the full path (JSON.parse, isCanonicalAuthEvent) takes these bytes as they are. */
function fullPathAccepts(text: string): boolean {
  try {
    return isCanonicalAuthEvent(JSON.parse(text));
  } catch {
    return false;
  }
}

/** What the scan is written to recognise: exactly the relay's serialisation, in printable ASCII without escapes. */
function isRelaySerialisation(text: string): boolean {
  if (!/^[\x20-\x7e]*$/.test(text) || text.includes('\\')) return false;
  try {
    return wire(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}

const withAuthDevice = { ...sampleEvent(), auth_device: { name: 'phone', ip: '198.51.100.9', location: { city: 'Lyon', state: null, country: 'France' } } };

describe('scanCanonicalEvent (the byte-level hot path of the event decoder)', () => {
  it('recognises simulated events as the relay publishes them, and returns their routing fields', () => {
    const simulator = new AuthSimulator({ accounts: 50, usersPerAccount: 100, seed: 11 });
    const from = new Date('2026-01-01T00:00:00Z');
    const to = new Date('2026-12-31T00:00:00Z');
    for (let n = 0; n < 2_000; n += 1) {
      const text = wire(simulator.next(simulator.timestampBetween(from, to)));
      expect(scan(text), text).toEqual(keysOf(JSON.parse(text) as Json));
    }
    expect(scan(wire(withAuthDevice))).toEqual(keysOf(withAuthDevice));
  });

  it('never recognises a prefix, a suffix or a byte-level variant (spaces, escapes, non-ASCII, another order)', () => {
    const text = wire(withAuthDevice);
    for (let cut = 0; cut < text.length; cut += 1) expect(scan(text.slice(0, cut))).toBeUndefined();
    for (const variant of [
      `${text} `,
      `${text}\n`,
      ` ${text}`,
      text.replace('"txid":', '"txid" :'),
      text.replace('"result":"success"', '"result":"\\u0073uccess"'),
      text.replace('"name":"phone"', '"name":"ph\\"one"'),
      text.replace('"city":"Lyon"', '"city":"Lyón"'),
      JSON.stringify({ txid: withAuthDevice.txid, ...JSON.parse(text) }),
      text.replace('"schema_version":1', '"schema_version":1.0'),
      text.replace('{"schema_version":1,', '{"schema_version":1,"schema_version":1,'),
    ]) {
      expect(scan(variant), variant).toBeUndefined();
    }
  });

  it('accepts only what the full path accepts, and everything the relay writes (differential, 20,000 mutated events)', () => {
    const random = new SeededRandom(5);
    const base = JSON.parse(wire(sampleEvent())) as Json;
    const withDevice = JSON.parse(wire(withAuthDevice)) as Json;
    const tricky: unknown[] = [
      null, true, false, 0, 1, 2, 1.5, '', ' ', 'a', '"', '\\', 'é', '\u0000', '\u007f', [], ['a'], [1], [null], {}, { a: 1 },
      'x'.repeat(64), 'x'.repeat(65), 'a.b_c:d-e', '.dot', '-dash', 'n'.repeat(128), 'n'.repeat(129), 'n'.repeat(255), 'n'.repeat(256),
      Array.from({ length: 32 }, () => 'a'), Array.from({ length: 33 }, () => 'a'), Array.from({ length: 100 }, () => 'g'), Array.from({ length: 101 }, () => 'g'), ['n'.repeat(129)], ['n'.repeat(256)],
      '203.0.113.7', '255.255.255.255', '256.0.0.1', '1.2.3', '1.2.3.4.', '01.2.3.4', '1..2.3', '::1', '2001:db8::1', '::ffff:1.2.3.4', 'fe80::1%eth0', 'x'.repeat(70),
      '2026-11-26T10:00:00.000Z', '2000-01-01T00:00:00.000Z', '1999-12-31T23:59:59.999Z', '2100-02-29T12:00:00.000Z', '2400-02-29T12:00:00.000Z', '2026-04-31T00:00:00.000Z', '2026-13-01T00:00:00.000Z', '2026-11-26T24:00:00.000Z', '2026-11-26T10:00:00Z', '2026-11-26T10:00:00.000+00:00',
      'authentication', 'enrollment', 'success', 'denied', 'fraud', 'user_approved', 'out_of_date', 'duo_push', 'webauthn',
      { city: null, state: null, country: null }, { city: 'Paris', state: null }, { state: null, city: 'Paris', country: null }, { key: 'DU1', name: 'a', groups: [] }, { name: 'a', key: 'DU1', groups: [] },
    ];
    const paths = (value: unknown, path: string[]): string[][] => {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
      return Object.entries(value).flatMap(([field, inner]) => [[...path, field], ...paths(inner, [...path, field])]);
    };
    const all = paths(withDevice, []);
    const set = (event: Json, path: string[], value: unknown): Json => {
      const [field, ...rest] = path as [string, ...string[]];
      if (rest.length === 0) return value === undefined ? Object.fromEntries(Object.entries(event).filter(([name]) => name !== field)) : { ...event, [field]: value };
      const inner = event[field];
      return typeof inner === 'object' && inner !== null && !Array.isArray(inner) ? { ...event, [field]: set(inner as Json, rest, value) } : event;
    };
    let recognised = 0;
    let refused = 0;
    for (let n = 0; n < 20_000; n += 1) {
      let event = random.next() < 0.5 ? base : withDevice;
      for (let changes = 1 + random.int(3); changes > 0; changes -= 1) {
        const path = random.pick(all);
        const draw = random.next();
        event = draw < 0.08 ? set(event, path, undefined) : draw < 0.12 ? set(event, [...path.slice(0, -1), 'extra'], 'x') : set(event, path, random.pick(tricky));
      }
      const text = JSON.stringify(event);
      const keys = scan(text);
      if (keys === undefined) {
        refused += 1;
        expect(isRelaySerialisation(text), text).toBe(false);
      } else {
        recognised += 1;
        expect(fullPathAccepts(text), text).toBe(true);
        expect(keys, text).toEqual(keysOf(JSON.parse(text) as Json));
      }
    }
    expect(recognised).toBeGreaterThan(1_000);
    expect(refused).toBeGreaterThan(1_000);
  });
});
