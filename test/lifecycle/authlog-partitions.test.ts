import { sql, type Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMigrator } from '../../migrations/migrate.js';
import { AuthlogPartitionsJob } from '../../services/lifecycle/src/jobs/authlog-partitions-job.js';
import { AuthlogTxidRetentionJob } from '../../services/lifecycle/src/jobs/authlog-txid-retention-job.js';
import type { LifecycleDatabase } from '../../services/lifecycle/src/lifecycle-tables.js';
import type { AuthEvent } from '../../shared/event/auth-event.js';
import { silentLogger } from '../../shared/log/logger.js';
import { IdempotencyConflictError } from '../../shared/outbox/idempotency-conflict-error.js';
import { OutboxWriter } from '../../shared/outbox/outbox-writer.js';
import { AuthlogPartitionsError } from '../../shared/outbox/partitions/authlog-partitions-error.js';
import { maintainAuthlogPartitions } from '../../shared/outbox/partitions/maintain-authlog-partitions.js';
import { monthPartition, monthStart } from '../../shared/outbox/partitions/monthly-partitions.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { simulatedEvents } from '../indexer/support/event-messages.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniqueName } from '../support/unique-name.js';

const DAY_MS = 86_400_000;
const BEFORE_PARTITIONS = '2026-12-08-62-endpoint-delivery-overrides';
const signal = new AbortController().signal;

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase({ migrate: false });
});
afterEach(async () => {
  await database.drop();
});

async function migrateTo(name: string | 'latest'): Promise<void> {
  const migrator = createMigrator(database.db as Kysely<unknown>);
  const outcome = name === 'latest' ? await migrator.migrateToLatest() : await migrator.migrateTo(name);
  if (outcome.error !== undefined) throw outcome.error;
}

async function partitions(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT PARTITION_NAME AS name FROM information_schema.PARTITIONS
    WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'authlog' ORDER BY PARTITION_ORDINAL_POSITION`.execute(database.db);
  return rows.map((row) => row.name);
}

/** What a report over [from, to) sees in MySQL: rows and distinct users per day and result. */
async function dailyFigures(from: string, to: string): Promise<string[]> {
  const { rows } = await sql<{ day: string; result: string; events: number; users: number }>`
    SELECT DATE_FORMAT(occurred_at, '%Y-%m-%d') AS day, result, COUNT(*) AS events, COUNT(DISTINCT user_key) AS users
    FROM authlog WHERE occurred_at >= ${from} AND occurred_at < ${to} GROUP BY day, result ORDER BY day, result`.execute(database.db);
  return rows.map((row) => `${row.day} ${row.result} ${row.events} ${row.users}`);
}

/** History as the unpartitioned table held it (migration 2026-11-26-01's UNIQUE (txid)). */
async function insertHistory(events: readonly AuthEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += 200) {
    const values = events.slice(start, start + 200).map((event) => sql`(${new Date(event.timestamp)}, ${event.account_id}, ${event.txid}, ${JSON.stringify(event)})`);
    await sql`INSERT INTO authlog (occurred_at, account_id, txid, payload) VALUES ${sql.join(values)}`.execute(database.db);
  }
}

describe('Authlog monthly partitions (shortened clock)', () => {
  it('partitions a table that holds rows; drops the oldest month past retention, keeps the current one, creates months ahead, while a writer keeps writing; reports over the remaining range are unchanged', async () => {
    await migrateTo(BEFORE_PARTITIONS);
    const account = uniqueName('acct');
    // Four months of history, August to November 2026, written before the table was partitioned.
    const history = simulatedEvents(800, { accountPrefix: account, accounts: 3, from: new Date('2026-08-01T00:00:00Z'), to: new Date('2026-11-30T23:00:00Z') });
    await insertHistory(history);
    await migrateTo('latest');

    const realNow = new Date();
    const existing = await partitions();
    expect(existing[0]).toBe('p2026_08');
    expect(existing.at(-1)).toBe('pmax');
    expect(existing).toContain(monthPartition(monthStart(realNow, 3)).name);
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog`.execute(database.db)).rows[0]?.n)).toBe(800);
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog_txid`.execute(database.db)).rows[0]?.n)).toBe(800);

    // Shortened clock: "now" is the 20th of the month two months after the real one, and the
    // retention ends on 2026-09-15: August ended before the cutoff (goes), September did not (stays).
    const now = new Date(monthStart(realNow, 2).getTime() + 19 * DAY_MS + 12 * 3_600_000);
    const retentionDays = Math.floor((now.getTime() - Date.parse('2026-09-15T00:00:00Z')) / DAY_MS);
    const remaining = ['2026-09-01', '2026-12-01'] as const;
    const before = await dailyFigures(...remaining);
    expect(before.length).toBeGreaterThan(60);

    // A writer keeps writing this month's logins meanwhile (its own clock's month and the shortened one's).
    const writer = new OutboxWriter(database.db);
    let writing = true;
    let written = 0;
    const writes = (async () => {
      while (writing) {
        const batch = Array.from({ length: 8 }, (_, index) => sampleEvent({ account_id: account, timestamp: new Date((index % 2 === 0 ? now : realNow).getTime() - index * 1000).toISOString() }));
        const results = await Promise.all(batch.map((event) => writer.record(event)));
        expect(results.every((result) => result.status === 'recorded')).toBe(true);
        written += batch.length;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const writtenBefore = written;

    const job = new AuthlogPartitionsJob(retentionDays, (at, days, jobSignal) => maintainAuthlogPartitions(database.db, { now: at, retentionDays: days, aheadMonths: 3, signal: jobSignal, logger: silentLogger }));
    const report = await job.run(now, signal);
    await new Promise((resolve) => setTimeout(resolve, 200));
    writing = false;
    await writes;
    expect(written).toBeGreaterThan(writtenBefore);

    expect(report.status).toBe('ok');
    expect(report.removed).toBe(1);
    expect(report.details).toMatchObject({ dropped: ['p2026_08'], created: [monthPartition(monthStart(realNow, 4)).name, monthPartition(monthStart(realNow, 5)).name] });
    const after = await partitions();
    expect(after[0]).toBe('p2026_09');
    for (let ahead = 0; ahead <= 3; ahead += 1) expect(after).toContain(monthPartition(monthStart(now, ahead)).name);
    expect(after.at(-1)).toBe('pmax');

    // Nothing of August is left; the remaining months read exactly as before; every write is there.
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog WHERE occurred_at < '2026-09-01'`.execute(database.db)).rows[0]?.n)).toBe(0);
    expect(await dailyFigures(...remaining)).toEqual(before);
    const august = history.filter((event) => event.timestamp < '2026-09-01').length;
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog WHERE account_id LIKE ${`${account}%`}`.execute(database.db)).rows[0]?.n)).toBe(800 - august + written);
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM outbox`.execute(database.db)).rows[0]?.n)).toBe(written);

    // A second run at the same time has nothing left to do.
    expect(await job.run(now, signal)).toMatchObject({ removed: 0, details: { created: [], dropped: [] } });
  });

  it('gives up quickly instead of queueing writers behind a long transaction on authlog (retried next round)', async () => {
    await migrateTo('latest');
    await database.db.connection().execute(async (reader) => {
      await sql`START TRANSACTION`.execute(reader);
      await sql`SELECT COUNT(*) FROM authlog`.execute(reader);
      const started = Date.now();
      const failure = await maintainAuthlogPartitions(database.db, { now: new Date(monthStart(new Date(), 6).getTime() + DAY_MS), retentionDays: 180, lockWaitSeconds: 1, attempts: 2 }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AuthlogPartitionsError);
      expect(failure).toMatchObject({ code: 'AUTHLOG_PARTITION_DDL_FAILED', retryable: true });
      expect(Date.now() - started).toBeLessThan(15_000);
      await sql`COMMIT`.execute(reader);
    });
    // Once the reader is gone the same run goes through.
    const done = await maintainAuthlogPartitions(database.db, { now: new Date(monthStart(new Date(), 6).getTime() + DAY_MS), retentionDays: 180 });
    expect(done.created.length).toBeGreaterThan(0);
  });
});

describe('a pmax that holds rows', () => {
  it('is not split while writers would wait for its rows to be copied: the run fails naming the count', async () => {
    await migrateTo('latest');
    const farAhead = monthStart(new Date(), 8);
    const writer = new OutboxWriter(database.db);
    await writer.recordBatch(Array.from({ length: 30 }, () => sampleEvent({ timestamp: farAhead.toISOString() })));
    await sql`ANALYZE TABLE authlog`.execute(database.db);
    const failure = await maintainAuthlogPartitions(database.db, { now: new Date(), retentionDays: 180, aheadMonths: 9, maxRowsToMove: 10 }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'AUTHLOG_PARTITION_DDL_FAILED', retryable: false });
    expect(String(failure)).toMatch(/pmax holds about \d+ rows/);
    // Below the bound the rows move into their month.
    const done = await maintainAuthlogPartitions(database.db, { now: new Date(), retentionDays: 180, aheadMonths: 9, maxRowsToMove: 1_000 });
    expect(done.created).toContain(monthPartition(farAhead).name);
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog PARTITION (${sql.raw(monthPartition(farAhead).name)})`.execute(database.db);
    expect(Number(rows[0]?.n)).toBe(30);
  });
});

describe('idempotency across partitions (authlog_txid)', () => {
  it('answers duplicate for a retry with a timestamp in another month, on every write path, and a conflict for another account', async () => {
    await migrateTo('latest');
    const writer = new OutboxWriter(database.db);
    const october = (txid: string, account = 'acct_a') => sampleEvent({ txid, account_id: account, timestamp: '2026-10-05T10:00:00.000Z' });
    const december = (txid: string, account = 'acct_a') => sampleEvent({ txid, account_id: account, timestamp: '2026-12-06T10:00:00.000Z' });

    // record alone (authlog_record)
    expect(await writer.record(october('tx-alone'))).toEqual({ txid: 'tx-alone', status: 'recorded' });
    expect(await writer.record(december('tx-alone'))).toEqual({ txid: 'tx-alone', status: 'duplicate' });
    await expect(writer.record(december('tx-alone', 'acct_b'))).rejects.toBeInstanceOf(IdempotencyConflictError);

    // group commit (three multi-row inserts, then authlog_record_batch for the flush that meets duplicates)
    const first = Array.from({ length: 40 }, (_, index) => october(`tx-group-${index}`));
    expect((await Promise.all(first.map((event) => writer.record(event)))).every((result) => result.status === 'recorded')).toBe(true);
    const retries = Array.from({ length: 40 }, (_, index) => (index % 4 === 3 ? december(`tx-group-${index}`, 'acct_b') : index % 2 === 0 ? december(`tx-group-${index}`) : december(`tx-new-${index}`)));
    const answers = await Promise.allSettled(retries.map((event) => writer.record(event)));
    answers.forEach((answer, index) => {
      if (index % 4 === 3) expect(answer.status === 'rejected' && answer.reason instanceof IdempotencyConflictError).toBe(true);
      else expect(answer).toEqual({ status: 'fulfilled', value: { txid: retries[index]!.txid, status: index % 2 === 0 ? 'duplicate' : 'recorded' } });
    });

    // recordIn and recordBatch (the caller's transaction)
    await database.db.transaction().execute(async (trx) => {
      expect(await writer.recordIn(trx, december('tx-group-0'))).toEqual({ txid: 'tx-group-0', status: 'duplicate' });
      expect(await writer.recordBatch([december('tx-group-2'), october('tx-batch-new')])).toEqual([
        { txid: 'tx-group-2', status: 'duplicate' },
        { txid: 'tx-batch-new', status: 'recorded' },
      ]);
    });

    // One authlog row and one outbox row per recorded txid, in the month of its first timestamp.
    const { rows } = await sql<{ txid: string; n: number; month: string }>`
      SELECT txid, COUNT(*) AS n, MIN(DATE_FORMAT(occurred_at, '%Y-%m')) AS month FROM authlog GROUP BY txid`.execute(database.db);
    expect(rows.every((row) => Number(row.n) === 1)).toBe(true);
    expect(rows.find((row) => row.txid === 'tx-alone')?.month).toBe('2026-10');
    const outboxRows = Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM outbox`.execute(database.db)).rows[0]?.n);
    const txidRows = Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog_txid`.execute(database.db)).rows[0]?.n);
    expect(outboxRows).toBe(rows.length);
    expect(txidRows).toBe(rows.length);
  });

  it('prunes authlog_txid past the retry horizon in chunks; a retry with the same timestamp is then still a duplicate, on every path', async () => {
    await migrateTo('latest');
    const writer = new OutboxWriter(database.db);
    const events = Array.from({ length: 5 }, (_, index) => sampleEvent({ txid: `tx-old-${index}`, timestamp: '2026-10-05T10:00:00.000Z' }));
    await writer.recordBatch(events);
    await sql`UPDATE authlog_txid SET recorded_at = '2026-10-05 10:00:00' WHERE txid LIKE 'tx-old-%'`.execute(database.db);
    await writer.record(sampleEvent({ txid: 'tx-young' }));

    const job = new AuthlogTxidRetentionJob(database.db as unknown as Kysely<LifecycleDatabase>, { horizonDays: 7, chunk: 2, pauseMs: 0 }, silentLogger);
    expect(await job.run(new Date(), signal)).toMatchObject({ status: 'ok', removed: 5 });
    const kept = await sql<{ txid: string }>`SELECT txid FROM authlog_txid`.execute(database.db);
    expect(kept.rows.map((row) => row.txid)).toEqual(['tx-young']);

    // Past the horizon, authlog's UNIQUE (txid, occurred_at) still catches a retry of the same event.
    expect(await writer.record(events[0]!)).toEqual({ txid: 'tx-old-0', status: 'duplicate' });
    await expect(writer.record({ ...events[1]!, account_id: 'acct_other' })).rejects.toBeInstanceOf(IdempotencyConflictError);
    const group = await Promise.all([events[2]!, events[3]!, sampleEvent({ txid: 'tx-fresh' })].map((event) => writer.record(event)));
    expect(group.map((result) => result.status)).toEqual(['duplicate', 'duplicate', 'recorded']);
    expect(await writer.recordBatch([events[4]!, sampleEvent({ txid: 'tx-fresh-2' })])).toEqual([
      { txid: 'tx-old-4', status: 'duplicate' },
      { txid: 'tx-fresh-2', status: 'recorded' },
    ]);
    // The duplicates left no txid row behind (their transaction removed the one it had written).
    const txids = await sql<{ txid: string }>`SELECT txid FROM authlog_txid ORDER BY txid`.execute(database.db);
    expect(txids.rows.map((row) => row.txid)).toEqual(['tx-fresh', 'tx-fresh-2', 'tx-young']);
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM outbox`.execute(database.db)).rows[0]?.n)).toBe(8);
  });

  it('down() restores the unpartitioned table with UNIQUE (txid), keeping the rows', async () => {
    await migrateTo('latest');
    const writer = new OutboxWriter(database.db);
    await writer.recordBatch([sampleEvent({ timestamp: '2026-10-05T10:00:00.000Z' }), sampleEvent({ timestamp: '2026-12-05T10:00:00.000Z' })]);
    await migrateTo(BEFORE_PARTITIONS);
    expect(await partitions()).toEqual([null]);
    const { rows } = await sql<{ Key_name: string; Non_unique: number; Column_name: string }>`SHOW INDEX FROM authlog`.execute(database.db);
    expect(rows.filter((row) => row.Key_name === 'uq_authlog_txid').map((row) => [row.Column_name, Number(row.Non_unique)])).toEqual([['txid', 0]]);
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog`.execute(database.db)).rows[0]?.n)).toBe(2);
    await migrateTo('latest');
  });
});
