import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineHarness } from '../support/pipeline-harness.js';
import { eventually, sendLogins } from './support/logins.js';

/**
 * N logins through the demo auth service, then through the real relay, indexer, webhook dispatcher
 * and reports API, each a separate built process: every login is in Elasticsearch exactly once,
 * every matching webhook reached the receiver, and the reports agree with MySQL.
 */
const LOGINS = 400;
const ACCOUNTS = ['acct_e2e_all', 'acct_e2e_failures', 'acct_e2e_none'];
let harness: PipelineHarness;
let keys: Record<string, string>;

beforeAll(async () => {
  harness = await PipelineHarness.start({
    services: ['demo-receiver', 'webhook-api', 'webhook-dispatcher', 'indexer', 'relay', 'reports', 'auth-demo'],
  });
  keys = Object.fromEntries(await Promise.all(ACCOUNTS.map(async (account) => [account, await harness.createApiKey(account)] as const)));
  const register = async (account: string, filters: object) => {
    const response = await fetch(`${harness.url('webhook-api')}/v1/endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${keys[account]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${harness.url('demo-receiver')}/hook`, secret: harness.receiverSecret, filters }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
  };
  await register('acct_e2e_all', {});
  await register('acct_e2e_failures', { results: ['denied', 'fraud'] });
}, 240_000);

afterAll(() => harness?.shutdown(), 120_000);

describe('the whole pipeline', () => {
  it('indexes every login exactly once, delivers every matching webhook, and reports what MySQL holds', async () => {
    const answers = await sendLogins(harness.url('auth-demo'), { count: LOGINS, accounts: ACCOUNTS });
    expect(answers.filter((answer) => answer.status !== 201)).toEqual([]);
    const { db } = harness.database;
    const committed = await db.selectFrom('authlog').select(['txid', 'account_id', 'result', 'user_key', 'factor']).execute();
    expect(committed).toHaveLength(LOGINS);

    // Elasticsearch: every committed txid, once (the document id is the txid, so count = distinct).
    const es = harness.elasticsearch;
    const indexedCount = async () => {
      await es.indices.refresh({ index: harness.names.pattern, ignore_unavailable: true, allow_no_indices: true });
      return (await es.count({ index: harness.names.alias, ignore_unavailable: true, allow_no_indices: true })).count;
    };
    await eventually(`${LOGINS} documents in Elasticsearch`, async () => (await indexedCount()) >= LOGINS);
    const search = await es.search<{ txid: string }>({ index: harness.names.alias, size: LOGINS + 10, _source: ['txid'] });
    expect(search.hits.hits.map((hit) => hit._source?.txid).sort()).toEqual(committed.map((row) => row.txid).sort());
    expect(await indexedCount()).toBe(LOGINS);

    // Webhooks: all of acct_e2e_all's events, acct_e2e_failures' denials and frauds, nothing of acct_e2e_none.
    const due = committed.filter((row) => row.account_id === 'acct_e2e_all' || (row.account_id === 'acct_e2e_failures' && row.result !== 'success'));
    const received = async () => (await (await fetch(`${harness.url('demo-receiver')}/received`)).json()) as string[];
    await eventually(`${due.length} webhooks at the receiver`, async () => (await received()).length >= due.length);
    expect((await received()).sort()).toEqual(due.map((row) => row.txid).sort());

    // Reports: the API's numbers for each account equal SQL over the Authlog.
    const day = (await sql<{ day: string }>`SELECT DATE_FORMAT(MIN(occurred_at), '%Y-%m-%d') AS day FROM authlog`.execute(db)).rows[0]!.day;
    const range = `from=${day}&to=${nextDay(day)}&tz=UTC`;
    for (const account of ACCOUNTS) {
      const mine = committed.filter((row) => row.account_id === account);
      const get = async <T>(path: string) => {
        const response = await fetch(`${harness.url('reports')}${path}`, { headers: { authorization: `Bearer ${keys[account]}` } });
        expect(response.status, await response.clone().text()).toBe(200);
        return (await response.json()) as T;
      };
      const volume = await get<{ total: Record<string, number> }>(`/v1/reports/volume?${range}&interval=day`);
      expect(volume.total).toEqual({
        total: mine.length,
        success: mine.filter((row) => row.result === 'success').length,
        denied: mine.filter((row) => row.result === 'denied').length,
        fraud: mine.filter((row) => row.result === 'fraud').length,
      });
      const distinct = await get<{ total: { distinct_users: number } }>(`/v1/reports/distinct-users?${range}&exact=true`);
      expect(distinct.total.distinct_users).toBe(new Set(mine.filter((row) => row.result === 'success').map((row) => row.user_key)).size);
      const byFactor = await get<{ items: { key: string; events: number }[]; other: { events: number } }>(`/v1/reports/breakdown?${range}&by=factor&top=50`);
      const expected = new Map<string, number>();
      for (const row of mine) expected.set(row.factor, (expected.get(row.factor) ?? 0) + 1);
      expect(new Map(byFactor.items.map((item) => [item.key, item.events]))).toEqual(expected);
    }
  }, 300_000);
});

function nextDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + 1);
  return date.toISOString().slice(0, 10);
}
