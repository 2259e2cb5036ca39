import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter } from '../../shared/outbox/outbox-writer.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { parseCsv } from './support/csv-parse.js';
import * as truth from './support/ground-truth.js';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';

/**
 * Every report equals SQL over the authlog rows (the system of record), for accounts in four time
 * zones over days crossing DST changes, local midnights and month ends. Exact where the answer says
 * exact; approximate distinct counts within 2 % (at these sizes HyperLogLog++ is in fact exact).
 */
let fixture: ReportsFixture;
let ranges: truth.LocalRange[];

beforeAll(async () => {
  fixture = await startReportsFixture({ events: 8_000, load: 'pipeline', env: { REPORTS_COMPOSITE_PAGE_SIZE: '100', REPORTS_FRESHNESS_CACHE_MS: '0' } });
  const { dataset } = fixture;
  ranges = dataset.accounts.map((account) => ({ accountId: account.accountId, timeZone: account.timeZone, firstDay: dataset.firstDay, lastDay: dataset.lastDay }));
});
afterAll(() => fixture?.close());

const nextDay = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
const get = (range: truth.LocalRange, path: string, params: Record<string, string | number | boolean | undefined> = {}) =>
  fixture.get(path, { from: range.firstDay, to: nextDay(range.lastDay), ...params }, fixture.tokens.get(range.accountId));
const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(Math.max(1, expected * 0.02));

describe('distinct successful users per day', () => {
  it('exact=true equals COUNT(DISTINCT user_key) per local day, in each account zone', async () => {
    for (const range of ranges) {
      const expected = await truth.distinctUsersPerDay(fixture.database.db, range);
      const { status, body } = await get(range, '/v1/reports/distinct-users', { exact: true });
      expect(status).toBe(200);
      expect(body.distinct).toMatchObject({ exact: true, method: 'composite' });
      expect(body.time_zone).toBe(range.timeZone);
      expect(body.days).toHaveLength(37);
      for (const day of body.days) {
        expect({ date: day.date, users: day.distinct_users, events: day.events }).toEqual({ date: day.date, ...(expected.days.get(day.date) ?? { users: 0, events: 0 }) });
      }
      expect(body.total).toEqual({ distinct_users: expected.total.users, events: expected.total.events });
    }
  });

  it('the default answer says it is approximate and is within 2 %', async () => {
    for (const range of ranges) {
      const expected = await truth.distinctUsersPerDay(fixture.database.db, range);
      const { body } = await get(range, '/v1/reports/distinct-users');
      expect(body.distinct).toMatchObject({ exact: false, method: 'cardinality' });
      for (const day of body.days) {
        near(day.distinct_users, expected.days.get(day.date)?.users ?? 0);
        expect(day.events).toBe(expected.days.get(day.date)?.events ?? 0); // event counts are exact
      }
      near(body.total.distinct_users, expected.total.users);
    }
  });

  it('one day: the local day of a DST change (25 h in New York on Nov 1, Berlin on Oct 25)', async () => {
    for (const [range, day] of [
      [ranges[0]!, '2026-11-01'],
      [ranges[1]!, '2026-10-25'],
      [ranges[3]!, '2026-10-04'],
    ] as const) {
      const expected = await truth.distinctUsersPerDay(fixture.database.db, { ...range, firstDay: day, lastDay: day });
      const { body } = await fixture.get('/v1/reports/distinct-users', { day, exact: true }, fixture.tokens.get(range.accountId));
      expect(body.days).toEqual([expect.objectContaining({ date: day, distinct_users: expected.total.users, events: expected.total.events })]);
      expect(body.total).toEqual({ distinct_users: expected.total.users, events: expected.total.events });
    }
  });

  it('tz overrides the account zone', async () => {
    const range = { ...ranges[0]!, timeZone: 'Asia/Kolkata' };
    const expected = await truth.distinctUsersPerDay(fixture.database.db, range);
    const { body } = await get(range, '/v1/reports/distinct-users', { exact: true, tz: 'Asia/Kolkata' });
    expect(body.from).toBe(`${range.firstDay}T00:00:00.000+05:30`);
    for (const day of body.days) expect(day.distinct_users).toBe(expected.days.get(day.date)?.users ?? 0);
  });
});

describe('out_of_date denials per month', () => {
  it('exact=true equals SQL per local month and per software', async () => {
    for (const range of ranges) {
      const expected = await truth.outOfDatePerMonth(fixture.database.db, range);
      const { body } = await get(range, '/v1/reports/out-of-date', { exact: true, top: 50 });
      expect(body.distinct.exact).toBe(true);
      expect(body.months.map((month: { month: string }) => month.month)).toEqual(['2026-09', '2026-10', '2026-11']);
      for (const month of body.months) {
        expect({ events: month.events, users: month.distinct_users }).toEqual(expected.months.get(month.month) ?? { events: 0, users: 0 });
        const software = expected.software.filter((row) => row.month === month.month);
        expect(new Set(month.software.map((row: object) => JSON.stringify(row)))).toEqual(
          new Set(software.map((row) => JSON.stringify({ ood_software: row.software, events: row.events, distinct_users: row.users }))),
        );
        expect(month.other_software_events).toBe(0);
      }
      expect(body.total.events).toBe([...expected.months.values()].reduce((sum, month) => sum + month.events, 0));
    }
  });

  it('top N keeps the software with most events and counts the rest as other; approximate mode agrees', async () => {
    const range = ranges[0]!;
    const expected = await truth.outOfDatePerMonth(fixture.database.db, range);
    const exact = (await get(range, '/v1/reports/out-of-date', { exact: true, top: 2 })).body;
    const approximate = (await get(range, '/v1/reports/out-of-date', { top: 2 })).body;
    expect(approximate.distinct.exact).toBe(false);
    for (const [index, month] of exact.months.entries()) {
      const ranked = expected.software.filter((row) => row.month === month.month).sort((a, b) => b.events - a.events || (a.software! < b.software! ? -1 : 1));
      expect(month.software.map((row: { ood_software: string }) => row.ood_software)).toEqual(ranked.slice(0, 2).map((row) => row.software));
      expect(month.other_software_events).toBe(ranked.slice(2).reduce((sum, row) => sum + row.events, 0));
      const other = approximate.months[index];
      expect(other.events).toBe(month.events);
      near(other.distinct_users, month.distinct_users);
      expect(other.software.map((row: { ood_software: string; events: number }) => [row.ood_software, row.events])).toEqual(
        month.software.map((row: { ood_software: string; events: number }) => [row.ood_software, row.events]),
      );
      expect(other.other_software_events).toBe(month.other_software_events);
    }
  });
});

describe('volume by result', () => {
  it('auto picks days for five weeks and every local day matches SQL', async () => {
    for (const range of ranges) {
      const expected = await truth.volume(fixture.database.db, range, 'day');
      const { body } = await get(range, '/v1/reports/volume');
      expect(body).toMatchObject({ interval: 'day', interval_chosen: 'auto', exact: true });
      expect(body.buckets).toHaveLength(37);
      for (const bucket of body.buckets) {
        const { start, ...counts } = bucket;
        expect(counts).toEqual(expected.get(start.slice(0, 10)) ?? { success: 0, denied: 0, fraud: 0, total: 0 });
      }
    }
  });

  it('hours across New York\'s fall-back: the repeated 01:00 hour is two buckets', async () => {
    const range = { ...ranges[0]!, firstDay: '2026-10-31', lastDay: '2026-11-02' };
    const expected = await truth.volume(fixture.database.db, range, 'hour');
    const { body } = await get(range, '/v1/reports/volume');
    expect(body.interval).toBe('hour');
    expect(body.buckets).toHaveLength(73); // 24 + 25 + 24 local hours
    const starts = body.buckets.map((bucket: { start: string }) => bucket.start);
    expect(starts).toContain('2026-11-01T01:00:00.000-04:00');
    expect(starts).toContain('2026-11-01T01:00:00.000-05:00');
    for (const bucket of body.buckets) {
      const { start, ...counts } = bucket;
      const offset = start.slice(-6).startsWith('-') ? -1 : 1;
      const minutes = offset * (Number(start.slice(-5, -3)) * 60 + Number(start.slice(-2)));
      expect(counts).toEqual(expected.get(`${start.slice(0, 13)}|${minutes}`) ?? { success: 0, denied: 0, fraud: 0, total: 0 });
    }
  });

  it('given week (Monday starts) and month intervals match SQL in every zone', async () => {
    for (const range of ranges) {
      for (const interval of ['week', 'month'] as const) {
        const expected = await truth.volume(fixture.database.db, range, interval);
        const { body } = await get(range, '/v1/reports/volume', { interval });
        expect(body).toMatchObject({ interval, interval_chosen: 'given' });
        const key = (start: string) => (interval === 'week' ? start.slice(0, 10) : start.slice(0, 7));
        expect(new Map(body.buckets.map(({ start, ...counts }: { start: string }) => [key(start), counts]))).toEqual(expected);
      }
    }
  });

  it('filters narrow the volume the same way as SQL', async () => {
    const range = ranges[1]!;
    const { body } = await get(range, '/v1/reports/volume', { interval: 'month', results: 'denied,fraud', applications: 'DI1,DI2', factors: 'duo_push,not_available' });
    const expected = await sql<{ n: number }>`
      SELECT COUNT(*) AS n FROM authlog WHERE account_id = ${range.accountId} AND result IN ('denied', 'fraud') AND application_key IN ('DI1', 'DI2')
      AND factor IN ('duo_push', 'not_available')`.execute(fixture.database.db);
    expect(body.total.total).toBe(Number(expected.rows[0]?.n));
    expect(body.total.success).toBe(0);
  });
});

describe('breakdowns', () => {
  it('top 5 plus other and missing, for every dimension, equal SQL', async () => {
    for (const range of ranges.slice(0, 2)) {
      for (const by of ['factor', 'reason', 'application', 'country', 'os', 'browser', 'result']) {
        const expected = await truth.breakdown(fixture.database.db, range, by);
        const { body } = await get(range, '/v1/reports/breakdown', { by, top: 5 });
        expect(body.exact).toBe(true);
        expect(body.items.map((item: { key: string; events: number }) => [item.key, item.events])).toEqual(expected.items.slice(0, 5).map((item) => [item.value, item.events]));
        expect(body.other.events).toBe(expected.items.slice(5).reduce((sum, item) => sum + item.events, 0));
        expect(body.missing.events).toBe(expected.missing);
        expect(body.total_events).toBe(expected.total);
      }
    }
  });

  it('failures by reason: the breakdown honours result filters; applications carry their names', async () => {
    const range = ranges[2]!;
    const expected = await truth.breakdown(fixture.database.db, range, 'reason', sql`result IN ('denied', 'fraud')`);
    const { body } = await get(range, '/v1/reports/breakdown', { by: 'reason', results: 'denied,fraud', top: 50 });
    expect(body.items.map((item: { key: string; events: number }) => [item.key, item.events])).toEqual(expected.items.map((item) => [item.value, item.events]));
    const applications = (await get(range, '/v1/reports/breakdown', { by: 'application' })).body;
    expect(applications.items.find((item: { key: string }) => item.key === 'DI0')?.label).toBe('VPN');
  });
});

describe('the auth log', () => {
  async function allPages(range: truth.LocalRange, params: Record<string, string | number>) {
    const txids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const { status, body } = await get(range, '/v1/logs', { ...params, cursor });
      expect(status).toBe(200);
      txids.push(...body.items.map((event: { txid: string; account_id: string }) => (expect(event.account_id).toBe(range.accountId), event.txid)));
      cursor = body.next_cursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    return { txids, pages };
  }

  it('pages through everything with search_after, newest first, in [timestamp, txid] order', async () => {
    const range = ranges[0]!;
    const expected = await truth.logTxids(fixture.database.db, range, sql`TRUE`, 'desc');
    const first = (await get(range, '/v1/logs', { limit: 1000 })).body;
    expect(first.total).toEqual({ value: expected.length, relation: 'eq' });
    const { txids, pages } = await allPages(range, { limit: 1000 });
    expect(pages).toBe(Math.ceil(expected.length / 1000));
    expect(txids).toEqual(expected);
  });

  it('oldest first, with users, applications, results, reasons, factors and a CIDR', async () => {
    const range = ranges[1]!;
    const where = sql`result = 'success' AND application_key IN ('DI0', 'DI3', 'DI5') AND factor IN ('duo_push', 'remembered_device')
      AND INET_ATON(JSON_UNQUOTE(JSON_EXTRACT(payload, '$.access_device.ip'))) BETWEEN INET_ATON('64.0.0.0') AND INET_ATON('127.255.255.255')`;
    const expected = await truth.logTxids(fixture.database.db, range, where, 'asc');
    expect(expected.length).toBeGreaterThan(20);
    const { txids } = await allPages(range, { limit: 7, sort: 'timestamp:asc', results: 'success', applications: 'DI0,DI3,DI5', factors: 'duo_push,remembered_device', ip: '64.0.0.0/2' });
    expect(txids).toEqual(expected);

    const users = await sql<{ user_key: string }>`SELECT DISTINCT user_key FROM authlog WHERE account_id = ${range.accountId} ORDER BY user_key LIMIT 2`.execute(fixture.database.db);
    const keys = users.rows.map((row) => row.user_key);
    const byUser = await truth.logTxids(fixture.database.db, range, sql`user_key IN (${sql.join(keys)}) AND reason IN ('user_approved', 'valid_passcode')`, 'desc');
    expect((await allPages(range, { limit: 50, users: keys.join(','), reasons: 'user_approved,valid_passcode' })).txids).toEqual(byUser);
  });

  it('a single address matches exactly that address', async () => {
    const range = ranges[2]!;
    const row = await sql<{ ip: string }>`SELECT JSON_UNQUOTE(JSON_EXTRACT(payload, '$.access_device.ip')) AS ip FROM authlog WHERE account_id = ${range.accountId} LIMIT 1`.execute(fixture.database.db);
    const ip = row.rows[0]!.ip;
    const expected = await truth.logTxids(fixture.database.db, range, sql`JSON_UNQUOTE(JSON_EXTRACT(payload, '$.access_device.ip')) = ${ip}`, 'desc');
    expect((await allPages(range, { ip })).txids).toEqual(expected);
  });
});

describe('exports', () => {
  it('NDJSON holds every matching event, in order, exactly as recorded', async () => {
    const range = ranges[3]!;
    const expected = await truth.logTxids(fixture.database.db, range, sql`result <> 'success'`, 'asc');
    const { status, body, headers } = await get(range, '/v1/logs/export', { format: 'ndjson', sort: 'timestamp:asc', results: 'denied,fraud' });
    expect(status).toBe(200);
    expect(headers.get('content-type')).toContain('application/x-ndjson');
    const events = String(body).trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(events.map((event) => event.txid)).toEqual(expected);
    const recorded = await fixture.database.db.selectFrom('authlog').select('payload').where('txid', '=', expected[0]!).executeTakeFirstOrThrow();
    expect(events[0]).toEqual(JSON.parse(recorded.payload));
  });

  it('CSV holds every event (more than one export page), escaped, with formulas defused', async () => {
    const range = ranges[0]!;
    const expected = await truth.logTxids(fixture.database.db, range, sql`TRUE`, 'desc');
    expect(expected.length).toBeGreaterThan(1000); // the export pages by 1000
    const { status, body, headers } = await get(range, '/v1/logs/export', { format: 'csv' });
    expect(status).toBe(200);
    expect(headers.get('content-disposition')).toMatch(/^attachment; filename="authlog-.+\.csv"$/);
    const [header, ...records] = parseCsv(String(body));
    expect(header?.slice(0, 3)).toEqual(['timestamp', 'txid', 'event_type']);
    expect(records.map((record) => record[1])).toEqual(expected);
    const column = (name: string) => header!.indexOf(name);
    const evil = records.find((record) => record[column('user.key')] === 'DUevil')!;
    expect(evil[column('user.name')]).toBe('\'=HYPERLINK("http://evil.example","click"), "quoted"\nsecond line');
    expect(evil[column('user.groups')]).toBe("'@admins");
    expect(evil[column('application.name')]).toBe("'-2+3");
    for (const record of records) for (const cell of record) expect(cell).not.toMatch(/^\s*[=+\-@]/);
  });
});

// Last: it records an event the pipeline does not carry, which the SQL of the tests above would see.
it('freshness compares the newest searchable event with the newest recorded one, and says when it is behind', async () => {
  for (const range of ranges) {
    const newest = await sql<{ newest: Date }>`SELECT MAX(occurred_at) AS newest FROM authlog WHERE account_id = ${range.accountId}`.execute(fixture.database.db);
    const { body } = await get(range, '/v1/reports/volume');
    expect(body.freshness).toMatchObject({ status: 'current', lag_ms: 0, newest_recorded_at: newest.rows[0]!.newest.toISOString(), newest_event_at: newest.rows[0]!.newest.toISOString() });
    expect(Date.parse(body.freshness.newest_indexed_at)).toBeGreaterThan(Date.parse(newest.rows[0]!.newest.toISOString()));
  }
  const range = ranges[0]!;
  const freshness = async () => (await fixture.get('/v1/freshness', {}, fixture.tokens.get(range.accountId))).body.freshness;
  const before = await freshness();
  const late = new Date(Date.parse(before.newest_event_at) + 3_600_000);
  await new OutboxWriter(fixture.database.db).record(sampleEvent({ account_id: range.accountId, timestamp: late.toISOString() }));
  const after = await freshness();
  expect(after).toMatchObject({ status: 'behind', lag_ms: 3_600_000, newest_recorded_at: late.toISOString(), newest_event_at: before.newest_event_at });
});
