import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fillAuthlog, insertRawAuthlogRow } from '../../bench/indexer-support/fill-authlog.js';
import type { BackfillDatabase } from '../../services/indexer/src/backfill/backfill-tables.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniqueName } from '../support/unique-name.js';
import { eventMessage, simulatedEvents } from './support/event-messages.js';
import { IndexerHarness, waitFor } from './support/indexer-harness.js';
import { SpawnedProcess } from '../../testing/spawned-process.js';

const BACKFILL = 'dist/services/indexer/src/backfill/main.js';

let database: TestDatabase;
let harness: IndexerHarness;
const processes: SpawnedProcess[] = [];

beforeEach(async () => {
  database = await createTestDatabase();
  harness = await new IndexerHarness().setUp(2);
});

afterEach(async () => {
  await Promise.all(processes.splice(0).map((child) => child.kill()));
  await harness.cleanup();
  await database.drop();
});

function backfill(args: string[]): SpawnedProcess {
  const child = new SpawnedProcess(BACKFILL, { ...harness.env({ LOG_LEVEL: 'warn' }), AUTHLOG_MYSQL_URL: database.url }, args);
  processes.push(child);
  return child;
}

const backfillDb = () => database.db as unknown as Kysely<BackfillDatabase>;
const jobs = () => backfillDb().selectFrom('indexer_backfill_jobs').selectAll();

function summaryOf(child: SpawnedProcess): Record<string, unknown> {
  return JSON.parse(child.lines.at(-1) ?? '{}') as Record<string, unknown>;
}

describe('backfill of the Authlog history', () => {
  it('resumes from its checkpoint after Ctrl-C and after kill -9, and its totals match MySQL exactly', async () => {
    const events = simulatedEvents(3_000, { accountPrefix: uniqueName('acct'), from: new Date('2026-09-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') });
    await fillAuthlog(database.db, events.slice(0, 1_500));
    await insertRawAuthlogRow(database.db, { txid: 'bad-json', accountId: 'acct_x', occurredAt: new Date('2026-10-01T00:00:00Z'), payload: '{"not": json' });
    await fillAuthlog(database.db, events.slice(1_500));
    await insertRawAuthlogRow(database.db, { txid: 'bad-event', accountId: 'acct_x', occurredAt: new Date('2026-10-01T00:00:00Z'), payload: '{"txid":"bad-event"}' });
    const args = ['--batch-size', '100', '--max-rows-per-second', '1500'];

    // 1. Ctrl-C midway: the bulks in flight finish, the checkpoint covers exactly what is indexed.
    const first = backfill(args);
    await waitFor('the first checkpoints', async () => ((await jobs().executeTakeFirst())?.rows_indexed ?? 0) >= 500, 30_000, 50);
    first.signal('SIGINT');
    expect((await first.exited).code).toBe(130);
    const afterInterrupt = await jobs().executeTakeFirstOrThrow();
    expect(afterInterrupt.status).toBe('running');
    expect(Number(afterInterrupt.last_id)).toBeLessThan(Number(afterInterrupt.max_id));
    expect(await harness.count()).toBe(Number(afterInterrupt.rows_indexed));
    expect(summaryOf(first)).toMatchObject({ status: 'stopped', lastId: Number(afterInterrupt.last_id) });

    // 2. The same command resumes; kill -9 midway: the checkpoint keeps what was saved.
    const second = backfill(args);
    await waitFor('progress past the first run', async () => Number((await jobs().executeTakeFirst())?.last_id) > Number(afterInterrupt.last_id) + 500, 30_000, 50);
    second.signal('SIGKILL');
    await second.exited;
    const afterCrash = await jobs().executeTakeFirstOrThrow();
    expect(afterCrash.status).toBe('running');
    expect(Number(afterCrash.last_id)).toBeLessThan(Number(afterCrash.max_id));
    // Bulks may have succeeded after the last saved checkpoint: they are redone, by _id.
    expect(await harness.count()).toBeGreaterThanOrEqual(Number(afterCrash.rows_indexed));

    // 3. Runs to the end from the crash checkpoint.
    const third = backfill(['--batch-size', '500']);
    expect((await third.exited).code).toBe(0);
    const summary = summaryOf(third);
    expect(summary).toMatchObject({ status: 'completed', resumedFromId: Number(afterCrash.last_id), rowsIndexed: 3_000, rowsRejected: 2 });
    expect(summary.rowsThisRun).toBeLessThan(3_002 - Number(afterCrash.rows_indexed) + 1);
    expect(third.stderr).toMatch(/rows\/s/);

    // Totals: every valid row is one document; per account and per month exactly as in MySQL.
    const rejected = await backfillDb().selectFrom('indexer_backfill_rejections').select(['txid', 'reason']).orderBy('txid').execute();
    expect(rejected).toEqual([
      { txid: 'bad-event', reason: 'VALIDATION_FAILED' },
      { txid: 'bad-json', reason: 'INVALID_JSON' },
    ]);
    const mysql = await sql<{ account_id: string; month: string; n: number }>`
      SELECT account_id, DATE_FORMAT(occurred_at, '%Y.%m') AS month, COUNT(*) AS n FROM authlog
      WHERE txid NOT IN ('bad-json', 'bad-event') GROUP BY account_id, month ORDER BY account_id, month`.execute(database.db);
    await harness.count();
    const search = await harness.es.search({
      index: harness.names.alias,
      size: 0,
      aggs: { accounts: { terms: { field: 'account_id', size: 100 }, aggs: { months: { terms: { field: '_index', size: 100 } } } } },
    });
    const buckets = (search.aggregations?.accounts as { buckets: { key: string; months: { buckets: { key: string; doc_count: number }[] } }[] }).buckets;
    const fromElasticsearch = buckets
      .flatMap((account) => account.months.buckets.map((month) => ({ account_id: account.key, month: month.key.slice(-7), n: month.doc_count })))
      .sort((a, b) => (a.account_id + a.month).localeCompare(b.account_id + b.month));
    expect(fromElasticsearch).toEqual(mysql.rows.map((row) => ({ ...row, n: Number(row.n) })));
    expect(await harness.count()).toBe(3_000);

    // 4. Once completed, the same command has nothing to do.
    const again = backfill([]);
    expect((await again.exited).code).toBe(0);
    expect(summaryOf(again)).toMatchObject({ status: 'completed', rowsThisRun: 0 });
  });

  it('backfills one account and time range while the live indexer writes the same events: one document each', async () => {
    const account = uniqueName('acct');
    const events = simulatedEvents(2_000, { accountPrefix: account, accounts: 3, from: new Date('2026-09-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') });
    await fillAuthlog(database.db, events);
    const wanted = (event: (typeof events)[number]) => event.account_id === `${account}0` && event.timestamp >= '2026-10-01' && event.timestamp < '2026-11-01';
    const expected = events.filter(wanted);
    expect(expected.length).toBeGreaterThan(50);

    // The live path indexes the same account-month at the same time.
    await harness.produce(expected.map((event) => eventMessage(event)));
    await harness.startIndexer();
    // A small scan window makes the filtered reader walk many mostly-empty id windows.
    const child = backfill(['--account', `${account}0`, '--from', '2026-10-01', '--to', '2026-11-01T00:00:00Z', '--batch-size', '50', '--scan-window', '300']);
    expect((await child.exited).code).toBe(0);
    await waitFor('the live indexer caught up', () => harness.allCommitted());

    const counted = await sql<{ n: number }>`
      SELECT COUNT(*) AS n FROM authlog WHERE account_id = ${`${account}0`} AND occurred_at >= '2026-10-01' AND occurred_at < '2026-11-01'`.execute(database.db);
    expect(Number(counted.rows[0]?.n)).toBe(expected.length);
    expect(summaryOf(child)).toMatchObject({ status: 'completed', rowsIndexed: expected.length, rowsRejected: 0 });
    expect(await harness.count()).toBe(expected.length);
  });
});
