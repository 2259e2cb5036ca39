import { describe, expect, it } from 'vitest';
import { csvCell } from '../../services/reports/src/auth-log/csv-format.js';
import { ExportLinks } from '../../services/reports/src/auth-log/export-links.js';
import { decodeCursor, encodeCursor } from '../../services/reports/src/auth-log/log-cursor.js';
import { ValidationError } from '../../shared/errors/validation-error.js';
import { ExportLinkError } from '../../services/reports/src/errors/export-link-error.js';
import { TooManyRequestsError } from '../../services/reports/src/errors/too-many-requests-error.js';
import { AccountConcurrency } from '../../services/reports/src/http/account-concurrency.js';
import { parseIpFilter } from '../../services/reports/src/params/ip-filter.js';
import { resolveTimeRange } from '../../services/reports/src/params/time-range.js';
import { canonicalTimeZone } from '../../services/reports/src/params/time-zone.js';
import { formatZoned, offsetMinutes, startOfLocalDay } from '../../services/reports/src/params/zoned-time.js';
import { chooseInterval } from '../../services/reports/src/reports/volume-interval.js';
import { NO_FILTERS, scopeQuery } from '../../services/reports/src/search/event-scope.js';

const limits = { maxDays: 366, defaultDays: 7 };
const fieldOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error.field;
    throw error;
  }
  return undefined;
};

describe('local days in IANA zones', () => {
  it('finds local midnight on ordinary, DST and half-hour-offset days', () => {
    expect(formatZoned(startOfLocalDay('2026-11-01', 'America/New_York'), 'America/New_York')).toBe('2026-11-01T00:00:00.000-04:00');
    expect(formatZoned(startOfLocalDay('2026-11-02', 'America/New_York'), 'America/New_York')).toBe('2026-11-02T00:00:00.000-05:00');
    expect(startOfLocalDay('2026-11-02', 'America/New_York') - startOfLocalDay('2026-11-01', 'America/New_York')).toBe(25 * 3_600_000);
    expect(startOfLocalDay('2026-03-09', 'America/New_York') - startOfLocalDay('2026-03-08', 'America/New_York')).toBe(23 * 3_600_000);
    expect(new Date(startOfLocalDay('2026-10-25', 'Europe/Berlin')).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-10-26', 'Europe/Berlin')).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-11-26', 'Asia/Kolkata')).toISOString()).toBe('2026-11-25T18:30:00.000Z');
    expect(new Date(startOfLocalDay('2026-10-04', 'Australia/Sydney')).toISOString()).toBe('2026-10-03T14:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-10-05', 'Australia/Sydney')).toISOString()).toBe('2026-10-04T13:00:00.000Z');
  });

  it('where midnight does not exist, the day starts when the clocks jump (Santiago, 6 Sep 2026)', () => {
    const start = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(formatZoned(start, 'America/Santiago')).toBe('2026-09-06T01:00:00.000-03:00');
    expect(formatZoned(start - 1, 'America/Santiago')).toBe('2026-09-05T23:59:59.999-04:00');
  });

  it('offsets and formatting', () => {
    expect(offsetMinutes(Date.parse('2026-07-01T00:00:00Z'), 'Asia/Kathmandu')).toBe(345);
    expect(formatZoned(Date.parse('2026-11-01T06:30:00.123Z'), 'America/New_York')).toBe('2026-11-01T01:30:00.123-05:00');
    expect(formatZoned(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01T01:30:00.000-04:00');
  });

  it('time zone names: one canonical id per zone whatever the spelling, offsets and junk refused', () => {
    // ICU's own answer for these is the legacy id (Asia/Calcutta, Europe/Kiev): the current one is kept.
    for (const spelling of ['Asia/Kolkata', 'asia/kolkata', 'Asia/Calcutta', 'ASIA/CALCUTTA']) expect(canonicalTimeZone(spelling)).toBe('Asia/Kolkata');
    for (const spelling of ['Europe/Kyiv', 'europe/kiev', 'Europe/Uzhgorod']) expect(canonicalTimeZone(spelling)).toBe('Europe/Kyiv');
    for (const spelling of ['utc', 'UTC', 'Etc/UTC', 'etc/utc']) expect(canonicalTimeZone(spelling)).toBe('UTC');
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    for (const spelling of ['US/Eastern', 'us/eastern', 'uS/EaStErN', 'America/New_York', 'AMERICA/NEW_YORK']) expect(canonicalTimeZone(spelling)).toBe('America/New_York');
    expect(canonicalTimeZone('uS/PaCiFiC')).toBe('America/Los_Angeles');
    for (const bad of ['+02:00', 'Mars/Base', '', 'America/New_York; DROP', '../etc/passwd']) expect(canonicalTimeZone(bad)).toBeNull();
  });
});

describe('time ranges', () => {
  const now = Date.parse('2026-11-26T15:00:00Z');
  it('dates are local midnights, to is exclusive, the default is the last 7 local days', () => {
    const range = resolveTimeRange({ from: '2026-11-01', to: '2026-12-01' }, 'America/New_York', limits, now);
    expect(new Date(range.fromMs).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(range.toMs).toISOString()).toBe('2026-12-01T05:00:00.000Z');
    const day = resolveTimeRange({ day: '2026-11-01' }, 'America/New_York', limits, now);
    expect(day.toMs - day.fromMs).toBe(25 * 3_600_000);
    const noon = Date.parse('2026-11-26T03:00:00Z'); // 12:00 in Tokyo
    const fallback = resolveTimeRange({}, 'Asia/Tokyo', limits, noon);
    expect(formatZoned(fallback.fromMs, 'Asia/Tokyo')).toBe('2026-11-20T00:00:00.000+09:00');
    expect(fallback.toMs).toBe(noon);
    const instant = resolveTimeRange({ from: '2026-11-26T08:00:00+01:00', to: '2026-11-26T10:00:00Z' }, 'UTC', limits, now);
    expect(instant.toMs - instant.fromMs).toBe(3 * 3_600_000);
  });

  it('refuses impossible dates, missing offsets, reversed and too long ranges, naming the field', () => {
    expect(fieldOf(() => resolveTimeRange({ from: '2026-02-29' }, 'UTC', limits, now))).toBe('from');
    expect(fieldOf(() => resolveTimeRange({ from: '2026-11-01T10:00' }, 'UTC', limits, now))).toBe('from');
    expect(fieldOf(() => resolveTimeRange({ from: '1999-12-31' }, 'UTC', limits, now))).toBe('from');
    expect(fieldOf(() => resolveTimeRange({ from: '2026-11-02', to: '2026-11-01' }, 'UTC', limits, now))).toBe('to');
    expect(fieldOf(() => resolveTimeRange({ from: '2025-01-01', to: '2026-11-01' }, 'UTC', limits, now))).toBe('from');
    expect(fieldOf(() => resolveTimeRange({ day: '2026-11-01', from: '2026-11-01' }, 'UTC', limits, now))).toBe('day');
    expect(fieldOf(() => resolveTimeRange({ day: '2026-11-01T00:00:00Z' }, 'UTC', limits, now))).toBe('day');
    // a whole-days range across a DST change still fits a limit counted in days
    expect(fieldOf(() => resolveTimeRange({ from: '2026-10-02', to: '2026-11-01' }, 'Europe/Berlin', { maxDays: 30, defaultDays: 7 }, now))).toBeUndefined();
  });

  it('chooses hour, day, week or month from the span, and refuses too many buckets', () => {
    const span = (days: number) => ({ fromMs: 0, toMs: days * 86_400_000, timeZone: 'UTC' });
    expect(chooseInterval(span(1), 'auto', 1000)).toBe('hour');
    expect(chooseInterval(span(3), 'auto', 1000)).toBe('hour');
    expect(chooseInterval(span(7), 'auto', 1000)).toBe('day');
    expect(chooseInterval(span(90), 'auto', 1000)).toBe('week');
    expect(chooseInterval(span(400), 'auto', 1000)).toBe('month');
    expect(chooseInterval(span(30), 'hour', 1000)).toBe('hour');
    expect(fieldOf(() => chooseInterval(span(60), 'hour', 1000))).toBe('interval');
  });
});

describe('IP filters', () => {
  it('accepts addresses and CIDR blocks, refuses everything else', () => {
    expect(parseIpFilter('203.0.113.7')).toEqual({ value: '203.0.113.7', version: 4 });
    expect(parseIpFilter('203.0.113.0/24')).toEqual({ value: '203.0.113.0/24', version: 4 });
    expect(parseIpFilter('2001:db8::/32')).toEqual({ value: '2001:db8::/32', version: 6 });
    expect(parseIpFilter('::ffff:10.0.0.1')).toEqual({ value: '::ffff:10.0.0.1', version: 6 });
    for (const bad of ['300.1.1.1', '10.0.0.0/33', '10.0.0.0/08', '10.0.0.0/', 'example.com', '10.0.0.0/24 OR *', '2001:db8::/129', '*']) expect(parseIpFilter(bad)).toBeNull();
  });

  it('every query carries the account filter and only term, terms, range and bool clauses', () => {
    const query = scopeQuery({
      accountId: 'acct_a',
      range: { fromMs: 1, toMs: 2, timeZone: 'UTC' },
      filters: { ...NO_FILTERS, users: ['*'], ips: [{ value: '10.0.0.0/8', version: 4 }], results: ['denied'] },
    });
    expect(query.bool?.filter).toContainEqual({ term: { account_id: 'acct_a' } });
    expect(query.bool?.filter).toContainEqual({ terms: { 'user.key': ['*'] } }); // "*" is a value, not a wildcard
    const clauses = JSON.stringify(query).match(/"(\w+)":\{/g) ?? [];
    for (const clause of clauses) expect(['"bool":{', '"term":{', '"terms":{', '"range":{', '"timestamp":{']).toContain(clause);
  });
});

describe('CSV cells', () => {
  it('quotes per RFC 4180 and defuses spreadsheet formulas', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-cmd')).toBe("'-cmd");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('  =1')).toBe("'  =1");
    expect(csvCell(' padded ')).toBe('" padded "');
    expect(csvCell('=HYPERLINK("x","y")')).toBe('"\'=HYPERLINK(""x"",""y"")"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell(['a', '=b'])).toBe('a; =b');
  });
});

describe('cursors', () => {
  const scope = { accountId: 'acct_a', filters: { ...NO_FILTERS, results: ['denied' as const] }, range: { fromMs: 10, toMs: 20, timeZone: 'UTC' } };
  it('round-trip, and are refused for another account, other filters, or when altered', () => {
    const cursor = encodeCursor(scope, { timestampMs: 15, txid: 'tx-1', order: 'desc' });
    expect(decodeCursor(cursor, scope)).toEqual({ timestampMs: 15, txid: 'tx-1', order: 'desc', fromMs: 10, toMs: 20 });
    expect(fieldOf(() => decodeCursor(cursor, { ...scope, accountId: 'acct_b' }))).toBe('cursor');
    expect(fieldOf(() => decodeCursor(cursor, { ...scope, filters: NO_FILTERS }))).toBe('cursor');
    const payload = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    expect(fieldOf(() => decodeCursor(Buffer.from(JSON.stringify({ ...payload, id: '" OR 1' })).toString('base64url'), scope))).toBe('cursor');
    expect(fieldOf(() => decodeCursor('%%%', scope))).toBe('cursor');
  });
});

describe('per-account concurrency', () => {
  it('gives each account its own slots and frees them once', () => {
    const slots = new AccountConcurrency(2);
    const first = slots.acquire('a');
    slots.acquire('a');
    expect(() => slots.acquire('a')).toThrow(TooManyRequestsError);
    expect(() => slots.acquire('b')).not.toThrow();
    first();
    first(); // twice is harmless: it must not free a slot someone else holds
    slots.acquire('a');
    expect(() => slots.acquire('a')).toThrow(TooManyRequestsError);
  });
});

describe('download links', () => {
  it('verify only unaltered links within their lifetime', () => {
    let now = 1_000;
    const links = new ExportLinks(Buffer.alloc(32, 7), 60_000, () => now);
    const { token } = links.sign('acct_a', 'key_a', 'format=csv');
    expect(links.verify(token)).toMatchObject({ accountId: 'acct_a', keyId: 'key_a', query: 'format=csv', expiresAtMs: 61_000 });
    // Each link has its own id, so spending one spends no other.
    expect(links.verify(links.sign('acct_a', 'key_a', 'format=csv').token).linkId).not.toBe(links.verify(token).linkId);
    const other = new ExportLinks(Buffer.alloc(32, 8), 60_000, () => now);
    expect(() => other.verify(token)).toThrow(ExportLinkError);
    now = 61_001;
    expect(() => links.verify(token)).toThrow(/expired/);
  });
});
