import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../services/reports/src/auth-log/log-cursor.js';
import { NO_FILTERS } from '../../services/reports/src/search/event-scope.js';
import { parseCsv } from './support/csv-parse.js';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';

/**
 * The API's contract at its edges: authentication, 400s that name the field, and tenant isolation
 * (account A never sees account B's data through any endpoint or parameter). All accounts share one
 * shard per monthly index here, so isolation rests on the server-side account filter, not on routing.
 */
let fixture: ReportsFixture;
let a: string;
let b: string;
const range = { from: '2026-09-29', to: '2026-11-05' };

beforeAll(async () => {
  fixture = await startReportsFixture({ events: 1_500, seed: 11 });
  [a, b] = fixture.dataset.accounts.map((account) => account.accountId) as [string, string];
});
afterAll(() => fixture?.close());

const as = (account: string) => fixture.tokens.get(account)!;
const count = async (where: ReturnType<typeof sql>) => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog WHERE ${where}`.execute(fixture.database.db)).rows[0]?.n);

describe('authentication', () => {
  it('refuses requests without a valid key with 401, and serves the panel without one', async () => {
    const missing = await fixture.get('/v1/reports/volume', range, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('UNAUTHENTICATED');
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    for (const token of ['alk_nope', `alk_${'A'.repeat(16)}_${'b'.repeat(43)}`, `${as(a)}x`]) {
      expect((await fixture.get('/v1/logs', range, token)).status).toBe(401);
    }
    for (const path of ['/v1//logs', '/v1/logs/', '/%761/logs', '/v1/Logs', '/v1/logs/export/']) {
      expect([401, 404]).toContain((await fixture.get(path, range, null)).status);
    }
    const panel = await fetch(`${fixture.baseUrl}/panel/`);
    expect(panel.status).toBe(200);
    expect(panel.headers.get('content-security-policy')).toContain("script-src 'self'");
    const chart = await fetch(`${fixture.baseUrl}/vendor/chart.umd.min.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(chart.status).toBe(200);
    expect((await chart.text()).length).toBeGreaterThan(100_000);
    expect((await fetch(`${fixture.baseUrl}/panel/..%2Fsrc%2Fmain.ts`)).status).toBe(404);
  });

  it('a revoked key stops working', async () => {
    const { keyId, token } = await fixture.apiKeys.create(a, 'to revoke', ALL_SCOPES);
    expect((await fixture.get('/v1/account', {}, token)).status).toBe(200);
    await fixture.apiKeys.revoke(keyId);
    expect((await fixture.get('/v1/account', {}, token)).status).toBe(401);
  });
});

describe('bad input: 400 naming the field', () => {
  const cases: [string, Record<string, string | number>, string][] = [
    ['/v1/reports/volume', { from: '2026-02-30' }, 'from'],
    ['/v1/reports/volume', { from: 'yesterday' }, 'from'],
    ['/v1/reports/volume', { from: '2026-11-01T00:00:00' }, 'from'], // no offset
    ['/v1/reports/volume', { from: '2026-11-05', to: '2026-11-01' }, 'to'],
    ['/v1/reports/volume', { from: '2026-01-01', to: '2026-12-31' }, 'from'], // range too large (120 days here)
    ['/v1/reports/volume', { ...range, tz: 'Mars/Olympus_Mons' }, 'tz'],
    ['/v1/reports/volume', { ...range, tz: '+02:00' }, 'tz'],
    ['/v1/reports/volume', { ...range, results: 'success,maybe' }, 'results'],
    ['/v1/reports/volume', { ...range, reasons: 'bad_luck' }, 'reasons'],
    ['/v1/reports/volume', { ...range, factors: 'carrier_pigeon' }, 'factors'],
    ['/v1/reports/volume', { ...range, interval: 'fortnight' }, 'interval'],
    ['/v1/reports/volume', { from: '2026-08-01', to: '2026-11-25', interval: 'hour' }, 'interval'], // 2,760 buckets > 1,000
    ['/v1/reports/volume', { ...range, users: 'a b' }, 'users'],
    ['/v1/reports/volume', { ...range, applications: 'DI1 OR 1=1' }, 'applications'],
    ['/v1/reports/volume', { ...range, ip: '300.1.1.1' }, 'ip'],
    ['/v1/reports/volume', { ...range, ip: '10.0.0.0/33' }, 'ip'],
    ['/v1/reports/volume', { ...range, account_id: 'someone_else' }, 'account_id'],
    ['/v1/reports/volume', { ...range, q: '*:*' }, 'q'],
    ['/v1/reports/breakdown', { ...range, by: 'planet' }, 'by'],
    ['/v1/reports/breakdown', { ...range }, 'by'],
    ['/v1/reports/breakdown', { ...range, by: 'os', top: 51 }, 'top'],
    ['/v1/reports/distinct-users', { ...range, day: '2026-11-01' }, 'day'],
    ['/v1/reports/distinct-users', { ...range, exact: 'yes' }, 'exact'],
    ['/v1/reports/distinct-users', { ...range, results: 'denied' }, 'results'], // the report fixes result=success
    ['/v1/reports/out-of-date', { ...range, reasons: 'user_approved' }, 'reasons'],
    ['/v1/logs', { ...range, limit: 1001 }, 'limit'],
    ['/v1/logs', { ...range, limit: 0 }, 'limit'],
    ['/v1/logs', { ...range, limit: '1e3' }, 'limit'],
    ['/v1/logs', { ...range, sort: 'user:asc' }, 'sort'],
    ['/v1/logs', { ...range, cursor: 'not-a-cursor' }, 'cursor'],
    ['/v1/logs/export', { ...range, format: 'xlsx' }, 'format'],
  ];
  it.each(cases)('%s %j -> %s', async (path, params, field) => {
    const { status, body } = await fixture.get(path, params, as(a));
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ code: 'VALIDATION_FAILED', field });
    expect(body.error.message).toContain(field);
  });

  it('repeated and comma-separated list parameters are both accepted', async () => {
    const url = `${fixture.baseUrl}/v1/reports/volume?from=${range.from}&to=${range.to}&results=denied&results=fraud`;
    const repeated = (await (await fetch(url, { headers: { authorization: `Bearer ${as(a)}` } })).json()) as { total: unknown };
    const comma = (await fixture.get('/v1/reports/volume', { ...range, results: 'denied,fraud' }, as(a))).body;
    expect(repeated.total).toEqual(comma.total);
    expect(comma.total.success).toBe(0);
  });
});

describe('tenant isolation', () => {
  it('every report counts only the caller account', async () => {
    for (const account of [a, b]) {
      const volume = (await fixture.get('/v1/reports/volume', range, as(account))).body;
      expect(volume.account_id).toBe(account);
      expect(volume.total.total).toBe(await count(sql`account_id = ${account}`));
      const breakdown = (await fixture.get('/v1/reports/breakdown', { ...range, by: 'result' }, as(account))).body;
      expect(breakdown.total_events).toBe(volume.total.total);
      const users = (await fixture.get('/v1/reports/distinct-users', { ...range, exact: true }, as(account))).body;
      const expectedUsers = await sql<{ n: number }>`SELECT COUNT(DISTINCT user_key) AS n FROM authlog WHERE account_id = ${account} AND result = 'success' AND event_type = 'authentication'`.execute(fixture.database.db);
      expect(users.total.distinct_users).toBe(Number(expectedUsers.rows[0]?.n));
      const ood = (await fixture.get('/v1/reports/out-of-date', range, as(account))).body;
      expect(ood.total.events).toBe(await count(sql`account_id = ${account} AND reason = 'out_of_date'`));
      expect((await fixture.get('/v1/account', {}, as(account))).body.account_id).toBe(account);
    }
  });

  it("filters naming B's users or B's addresses find nothing for A", async () => {
    const bUsers = await sql<{ user_key: string; ip: string }>`
      SELECT user_key, JSON_UNQUOTE(JSON_EXTRACT(payload, '$.access_device.ip')) AS ip FROM authlog WHERE account_id = ${b} LIMIT 5`.execute(fixture.database.db);
    const users = bUsers.rows.map((row) => row.user_key).join(',');
    expect((await fixture.get('/v1/logs', { ...range, users }, as(a))).body.items).toEqual([]);
    expect((await fixture.get('/v1/reports/volume', { ...range, users }, as(a))).body.total.total).toBe(0);
    const ips = bUsers.rows.map((row) => row.ip);
    const byIp = (await fixture.get('/v1/logs', { ...range, ip: ips.join(','), limit: 1000 }, as(a))).body;
    for (const event of byIp.items) expect(event.account_id).toBe(a);
    expect(byIp.items.length).toBe(await count(sql`account_id = ${a} AND JSON_UNQUOTE(JSON_EXTRACT(payload, '$.access_device.ip')) IN (${sql.join(ips)})`));
  });

  it("B's cursor is refused for A, and a forged cursor only positions inside A's own events", async () => {
    const bPage = (await fixture.get('/v1/logs', { ...range, limit: 5 }, as(b))).body;
    const stolen = await fixture.get('/v1/logs', { ...range, limit: 5, cursor: bPage.next_cursor }, as(a));
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.field).toBe('cursor');

    // A cursor built for A's own scope, positioned at B's newest event: still only A's data.
    const bNewest = bPage.items[0];
    const scope = { accountId: a, filters: NO_FILTERS, range: { fromMs: Date.parse('2026-09-01T00:00:00Z'), toMs: Date.parse('2026-11-06T00:00:00Z'), timeZone: 'UTC' } };
    const forged = encodeCursor(scope, { timestampMs: Date.parse(bNewest.timestamp), txid: bNewest.txid, order: 'desc' });
    const page = await fixture.get('/v1/logs', { limit: 1000, cursor: forged }, as(a));
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
    for (const event of page.body.items) expect(event.account_id).toBe(a);
  });

  it('exports and download links carry only the caller account, and links cannot be altered', async () => {
    const csv = parseCsv(String((await fixture.get('/v1/logs/export', range, as(a))).body));
    const aTxids = new Set((await sql<{ txid: string }>`SELECT txid FROM authlog WHERE account_id = ${a}`.execute(fixture.database.db)).rows.map((row) => row.txid));
    expect(csv.slice(1).map((record) => record[1])).toHaveLength(aTxids.size);
    for (const record of csv.slice(1)) expect(aTxids.has(record[1]!)).toBe(true);

    const link = await fetch(`${fixture.baseUrl}/v1/logs/export-links?from=${range.from}&to=${range.to}&format=ndjson`, { method: 'POST', headers: { authorization: `Bearer ${as(a)}` } });
    expect(link.status).toBe(200);
    const { url, expires_at: expiresAt } = (await link.json()) as { url: string; expires_at: string };
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const download = await fetch(`${fixture.baseUrl}${url}`); // no API key: the link is the credential
    expect(download.status).toBe(200);
    const lines = (await download.text()).trimEnd().split('\n').map((line) => JSON.parse(line) as { account_id: string });
    expect(lines).toHaveLength(aTxids.size);
    for (const event of lines) expect(event.account_id).toBe(a);

    const [payload, mac] = url.slice('/v1/downloads/'.length).split('.') as [string, string];
    const grant = JSON.parse(Buffer.from(payload, 'base64url').toString());
    const altered = Buffer.from(JSON.stringify({ ...grant, a: b })).toString('base64url');
    const tampered = await fetch(`${fixture.baseUrl}/v1/downloads/${altered}.${mac}`);
    expect(tampered.status).toBe(403);
    expect(((await tampered.json()) as { error: { code: string } }).error.code).toBe('EXPORT_LINK_INVALID');
    expect((await fetch(`${fixture.baseUrl}/v1/downloads/garbage`)).status).toBe(403);
  });

  it('exports and exact counts hold a per-account slot only while they run', async () => {
    for (let round = 0; round < 4; round += 1) {
      expect((await fixture.get('/v1/logs/export', { ...range, format: 'ndjson' }, as(a))).status).toBe(200);
      expect((await fixture.get('/v1/reports/distinct-users', { ...range, exact: true }, as(a))).status).toBe(200);
    }
    const limited = await Promise.all(Array.from({ length: 6 }, () => fixture.get('/v1/reports/out-of-date', { ...range, exact: true }, as(b))));
    for (const answer of limited) expect([200, 429]).toContain(answer.status);
    const refused = limited.find((answer) => answer.status === 429);
    if (refused !== undefined) expect(refused.body.error.code).toBe('TOO_MANY_REQUESTS');
    expect((await fixture.get('/v1/reports/out-of-date', { ...range, exact: true }, as(b))).status).toBe(200);
  });

  it('freshness describes the caller account only', async () => {
    for (const account of [a, b]) {
      const newest = await sql<{ newest: Date }>`SELECT MAX(occurred_at) AS newest FROM authlog WHERE account_id = ${account}`.execute(fixture.database.db);
      const { body } = await fixture.get('/v1/freshness', {}, as(account));
      expect(body.freshness.newest_event_at).toBe(newest.rows[0]!.newest.toISOString());
    }
  });
});
