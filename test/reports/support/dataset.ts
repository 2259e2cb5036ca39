import type { AuthEventInput } from '../../../shared/event/auth-event-schema.js';
import { AuthSimulator } from '../../../shared/simulation/auth-simulator.js';
import { startOfLocalDay } from '../../../services/reports/src/params/zoned-time.js';

export interface DatasetAccount {
  readonly accountId: string;
  readonly timeZone: string;
}

export interface Dataset {
  readonly accounts: readonly DatasetAccount[];
  readonly events: readonly AuthEventInput[];
  /** Local first day and last day (inclusive) the events cover in every zone. */
  readonly firstDay: string;
  readonly lastDay: string;
}

/**
 * Generated authentication events for report tests: several accounts in zones with and without
 * daylight saving (New York, Berlin, Kolkata +05:30, Sydney), over days that cross each zone's DST
 * change (Sydney Oct 4, Berlin Oct 25, New York Nov 1 2026) and three months, plus events placed on
 * each local midnight (1 ms before, at, and 1 ms after), in New York's repeated hour on Nov 1, and
 * extra out_of_date denials. Reproducible from the seed.
 */
export function generateDataset(options: { prefix: string; events: number; seed?: number; usersPerAccount?: number; zones?: readonly string[] }): Dataset {
  const zones = options.zones ?? ['America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Sydney'];
  const simulator = new AuthSimulator({ accounts: zones.length, usersPerAccount: options.usersPerAccount ?? 120, seed: options.seed ?? 7, accountPrefix: `${options.prefix}_a` });
  const accounts = simulator.accountIds().map((accountId, index) => ({ accountId, timeZone: zones[index] ?? 'UTC' }));
  const firstDay = '2026-09-29';
  const lastDay = '2026-11-04';
  const from = new Date('2026-09-29T14:00:00Z'); // late enough that every zone's local Sep 29 has begun...
  const to = new Date('2026-11-04T10:00:00Z'); // ...and early enough that no zone has left Nov 4
  const events: AuthEventInput[] = [];
  for (let index = 0; index < options.events; index += 1) events.push(simulator.next(simulator.timestampBetween(from, to)));

  for (const account of accounts) {
    for (let day = dayNumber(firstDay) + 1; day <= dayNumber(lastDay); day += 1) {
      const midnight = startOfLocalDay(dateOf(day), account.timeZone);
      for (const offset of [-1, 0, 1]) events.push(simulator.forAccount(account.accountId, new Date(midnight + offset)));
    }
    // out_of_date denials, also across month boundaries
    for (let index = 0; index < 40; index += 1) {
      const event = simulator.forAccount(account.accountId, simulator.timestampBetween(from, to));
      events.push({ ...event, result: 'denied', reason: 'out_of_date', factor: 'not_available', ood_software: index % 3 === 0 ? 'Chrome 118.0' : index % 3 === 1 ? 'iOS 16.1' : 'Windows 10' });
    }
    events.push(simulator.forAccount(account.accountId, new Date(startOfLocalDay('2026-11-01', account.timeZone) + 5 * 60_000)));
    // Names a spreadsheet would run as formulas, with CSV metacharacters: exports must defuse them.
    events.push({
      ...simulator.forAccount(account.accountId, new Date('2026-10-15T12:00:00Z')),
      user: { key: 'DUevil', name: '=HYPERLINK("http://evil.example","click"), "quoted"\nsecond line', groups: ['@admins'] },
      application: { key: 'DIevil', name: '-2+3' },
    });
  }
  const newYork = accounts[0]?.accountId ?? '';
  // 01:30 local twice on Nov 1 in New York (EDT, then EST).
  events.push(simulator.forAccount(newYork, new Date('2026-11-01T05:30:00Z')), simulator.forAccount(newYork, new Date('2026-11-01T06:30:00Z')));
  return { accounts, events, firstDay, lastDay };
}

const dayNumber = (date: string) => Date.parse(`${date}T00:00:00Z`) / 86_400_000;
const dateOf = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
