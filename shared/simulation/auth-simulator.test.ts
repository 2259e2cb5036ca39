import { describe, expect, it } from 'vitest';
import { parseAuthEvent } from '../event/parse-auth-event.js';
import { AuthSimulator } from './auth-simulator.js';

describe('AuthSimulator', () => {
  it('produces valid events with Duo-like proportions', () => {
    const simulator = new AuthSimulator({ accounts: 20, usersPerAccount: 50, seed: 7 });
    const events = Array.from({ length: 5000 }, () => parseAuthEvent(simulator.next(new Date('2026-11-26T10:00:00Z'))));
    const share = (predicate: (event: (typeof events)[number]) => boolean) => events.filter(predicate).length / events.length;
    expect(share((event) => event.result === 'success')).toBeGreaterThan(0.9);
    expect(share((event) => event.reason === 'out_of_date')).toBeGreaterThan(0.002);
    expect(events.filter((event) => event.reason === 'out_of_date').every((event) => event.ood_software !== null)).toBe(true);
    expect(new Set(events.map((event) => event.txid)).size).toBe(events.length);
  });

  it('is reproducible from its seed', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const a = new AuthSimulator({ accounts: 3, usersPerAccount: 3, seed: 42 }).next(at);
    const b = new AuthSimulator({ accounts: 3, usersPerAccount: 3, seed: 42 }).next(at);
    expect(a).toEqual(b);
  });
});
