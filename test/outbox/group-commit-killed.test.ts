import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxWriter, type FlushReport } from '../../shared/outbox/outbox-writer.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ connectionLimit: 6 });
});
afterAll(() => database.drop());

describe('a group commit whose MySQL connection is killed mid-flush', () => {
  it('leaves every caller with either its commit or an error, never a silent loss', async () => {
    // Each outbox row takes two milliseconds, so a batch of many rows is still running when it is
    // killed, between its Authlog and its outbox inserts (where a lost half would show). (One
    // millisecond left the killer, polling every 10 ms on a machine at load 12, without a single
    // kill once the outbox insert stopped looking its ids up.)
    await sql.raw(`CREATE TRIGGER gc_slow BEFORE INSERT ON outbox FOR EACH ROW SET @gc_slept = SLEEP(0.002)`).execute(database.db);
    const flushes: FlushReport[] = [];
    const writer = new OutboxWriter(database.db, { onFlush: (report) => flushes.push(report) });
    const outcomes: Array<{ txid: string; ok: boolean; error?: unknown }> = [];
    let writing = true;
    let kills = 0;

    const killer = (async () => {
      while (writing && kills < 4) {
        const running = await sql<{ ID: number }>`
          SELECT ID FROM information_schema.PROCESSLIST
          WHERE DB = DATABASE() AND (INFO LIKE 'INSERT INTO outbox (authlog_id%' OR INFO LIKE 'CALL authlog_record_batch%')`.execute(database.db);
        for (const { ID } of running.rows) {
          await sql.raw(`KILL CONNECTION ${Number(ID)}`).execute(database.db).catch(() => undefined);
          kills += 1;
        }
        await new Promise((done) => setTimeout(done, 10));
      }
    })();

    const callers = Array.from({ length: 150 }, async (_, worker) => {
      for (let index = 0; index < 12; index += 1) {
        const event = sampleEvent({ account_id: `acct_kill_${worker % 9}` });
        try {
          const result = await writer.record(event);
          expect(result.status).toBe('recorded');
          outcomes.push({ txid: String(event.txid), ok: true });
        } catch (error) {
          outcomes.push({ txid: String(event.txid), ok: false, error });
        }
      }
    });
    await Promise.all(callers);
    writing = false;
    await killer;
    await sql`DROP TRIGGER gc_slow`.execute(database.db);

    expect(kills).toBeGreaterThan(0);
    const failed = outcomes.filter((outcome) => !outcome.ok);
    expect(failed.length).toBeGreaterThan(0);
    expect(flushes.some((flush) => flush.outcome === 'failed')).toBe(true);
    expect(outcomes).toHaveLength(1800);

    const txids = outcomes.map((outcome) => outcome.txid);
    const authlog = await database.db.selectFrom('authlog').select(['id', 'txid']).where('txid', 'in', txids).execute();
    const outbox = await database.db.selectFrom('outbox').select('authlog_id').where('authlog_id', 'in', authlog.length ? authlog.map((row) => row.id) : [0]).execute();
    const stored = new Set(authlog.map((row) => row.txid));
    const withOutbox = new Set(outbox.map((row) => row.authlog_id));
    // Every caller told "recorded" has its row; no Authlog row lost its outbox row (atomic), so an
    // errored caller either committed completely (its retry will say duplicate) or not at all.
    for (const outcome of outcomes.filter((o) => o.ok)) expect(stored.has(outcome.txid), outcome.txid).toBe(true);
    for (const row of authlog) expect(withOutbox.has(row.id), row.txid).toBe(true);
    expect(outbox).toHaveLength(authlog.length);

    // The writer goes on: the killed connections left the pool.
    expect((await writer.record(sampleEvent({ account_id: 'acct_kill_after' }))).status).toBe('recorded');
  });
});
