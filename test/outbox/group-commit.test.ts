import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAuthEvent } from '../../shared/event/parse-auth-event.js';
import type { AuthEventInput } from '../../shared/event/auth-event-schema.js';
import { IdempotencyConflictError } from '../../shared/outbox/idempotency-conflict-error.js';
import { NotConsecutiveIdsError } from '../../shared/outbox/not-consecutive-ids-error.js';
import { OutboxWriter, type FlushReport } from '../../shared/outbox/outbox-writer.js';
import type { PendingRecord } from '../../shared/outbox/pending-record.js';
import { checkTraceContext } from '../../shared/outbox/trace-context.js';
import { writeRecordRows } from '../../shared/outbox/write-record-rows.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ connectionLimit: 12 });
});
afterAll(() => database.drop());

function recordingWriter(options: { maxBatchRecords?: number; maxBatchBytes?: number; maxConcurrentFlushes?: number } = {}) {
  const flushes: FlushReport[] = [];
  const writer = new OutboxWriter(database.db, { ...options, onFlush: (report) => flushes.push(report) });
  return { writer, flushes };
}

/** Settles like Promise.allSettled, keeping each caller's own outcome. */
function settle<T>(promise: Promise<T>) {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

async function rowsOf(txids: readonly string[]) {
  const authlog = await database.db.selectFrom('authlog').select(['id', 'txid', 'account_id', 'payload']).where('txid', 'in', txids).execute();
  const outbox = authlog.length === 0 ? [] : await database.db.selectFrom('outbox').selectAll().where('authlog_id', 'in', authlog.map((row) => row.id)).execute();
  return { authlog, outbox };
}

describe('OutboxWriter.record group commit', () => {
  it('writes a lone record at once, alone, with no timer', async () => {
    const { writer, flushes } = recordingWriter();
    const started = performance.now();
    expect((await writer.record(sampleEvent())).status).toBe('recorded');
    expect(flushes).toEqual([expect.objectContaining({ records: 1, outcome: 'committed' })]);
    // A timer-based batcher would wait its linger first; a lone call costs one round trip.
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('1,000 concurrent records with duplicates and conflicts mixed in: each caller gets its own answer', async () => {
    const earlier = Array.from({ length: 100 }, () => sampleEvent({ account_id: 'acct_gc_old' }));
    await new OutboxWriter(database.db).recordBatch(earlier);

    type Expect = 'recorded' | 'duplicate' | 'conflict' | 'recorded-or-duplicate' | 'recorded-or-conflict';
    const calls: Array<{ event: AuthEventInput; expect: Expect; twin?: number }> = [];
    for (let index = 0; index < 660; index += 1) calls.push({ event: sampleEvent({ account_id: `acct_gc_${index % 13}`, txid: `gc-new-${randomUUID()}` }), expect: 'recorded' });
    for (const event of earlier.slice(0, 60)) calls.push({ event: { ...event, timestamp: '2026-11-26T10:00:07.000Z' }, expect: 'duplicate' });
    for (const event of earlier.slice(60)) calls.push({ event: { ...event, account_id: 'acct_gc_thief' }, expect: 'conflict' });
    // The same new txid twice at once: one of the two records it (whichever is written first).
    for (let pair = 0; pair < 80; pair += 1) {
      const event = sampleEvent({ account_id: 'acct_gc_pair' });
      calls.push({ event, expect: 'recorded-or-duplicate' }, { event: { ...event }, expect: 'recorded-or-duplicate' });
    }
    // The same new txid from two accounts at once: one records it, the other is refused.
    for (let pair = 0; pair < 40; pair += 1) {
      const event = sampleEvent({ account_id: 'acct_gc_a' });
      calls.push({ event, expect: 'recorded-or-conflict' }, { event: { ...event, account_id: 'acct_gc_b' }, expect: 'recorded-or-conflict' });
    }
    expect(calls).toHaveLength(1000);
    const order = calls.map((_, index) => index).sort(() => Math.random() - 0.5);

    const { writer, flushes } = recordingWriter({ maxBatchRecords: 128 });
    const outcomes = new Array<Awaited<ReturnType<typeof settle<Awaited<ReturnType<OutboxWriter['record']>>>>>>(calls.length);
    await Promise.all(order.map(async (index) => (outcomes[index] = await settle(writer.record(calls[index]!.event)))));

    outcomes.forEach((outcome, index) => {
      const call = calls[index]!;
      const answer = outcome.ok ? outcome.value.status : outcome.error instanceof IdempotencyConflictError ? 'conflict' : String(outcome.error);
      expect(call.expect.split('-or-'), `call ${index} (${call.expect}) answered ${answer}`).toContain(answer);
      if (outcome.ok) expect(outcome.value.txid).toBe(String(call.event.txid));
    });
    // Each pair: exactly one recorded.
    for (let start = 760; start < 1000; start += 2) {
      const answers = [outcomes[start]!, outcomes[start + 1]!].map((outcome) => (outcome.ok ? outcome.value.status : 'conflict'));
      expect(answers.sort(), `pair at ${start}`).toEqual(start < 920 ? ['duplicate', 'recorded'] : ['conflict', 'recorded']);
    }

    // The table agrees: one Authlog row and one outbox row per new txid, the stored payload is the
    // validated event as written alone, the old rows untouched.
    const newTxids = [...new Set(calls.slice(0, 660).concat(calls.slice(760)).map((call) => String(call.event.txid)))];
    const rows = await rowsOf(newTxids);
    expect(rows.authlog).toHaveLength(newTxids.length);
    expect(rows.outbox).toHaveLength(newTxids.length);
    const byTxid = new Map(rows.authlog.map((row) => [row.txid, row]));
    for (const call of calls.slice(0, 660)) expect(byTxid.get(String(call.event.txid))!.payload).toBe(JSON.stringify(parseAuthEvent(call.event)));
    for (let start = 920; start < 1000; start += 2) {
      const winner = outcomes[start]!.ok ? calls[start]! : calls[start + 1]!;
      expect(byTxid.get(String(winner.event.txid))!.account_id).toBe(winner.event.account_id);
    }
    const old = await rowsOf(earlier.map((event) => String(event.txid)));
    expect(old.authlog.every((row) => row.account_id === 'acct_gc_old')).toBe(true);
    expect(old.outbox).toHaveLength(100);

    // Coalesced: far fewer transactions than records, none above the bound.
    const recorded = flushes.reduce((sum, flush) => sum + flush.records, 0);
    expect(recorded).toBe(1000);
    expect(flushes.length).toBeLessThan(100);
    expect(Math.max(...flushes.map((flush) => flush.records))).toBeLessThanOrEqual(128);
    // No flush failed. With several flushes in flight, a batch can still end up split after three
    // deadlocks (two batches' duplicate checks take shared gap locks on the txid index); its callers
    // then got the single-record answers checked above, so a split is allowed here, a failure is not.
    expect(flushes.filter((flush) => flush.outcome === 'failed')).toEqual([]);
    expect(flushes.filter((flush) => flush.outcome === 'split').length).toBeLessThanOrEqual(2);
  });

  it('gives the rows of one flush outbox ids in the callers order (the relay publishes in that order)', async () => {
    const { writer, flushes } = recordingWriter({ maxConcurrentFlushes: 1 });
    const events = Array.from({ length: 60 }, (_, index) => sampleEvent({ account_id: 'acct_gc_order', txid: `gc-order-${randomUUID()}-${index}` }));
    await Promise.all(events.map((event) => writer.record(event, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })));
    expect(flushes.some((flush) => flush.records > 1)).toBe(true);
    const rows = await database.db
      .selectFrom('outbox')
      .innerJoin('authlog', 'authlog.id', 'outbox.authlog_id')
      .select(['authlog.txid', 'outbox.traceparent', 'outbox.event_type', 'outbox.schema_version', 'authlog.occurred_at'])
      .where('outbox.account_id', '=', 'acct_gc_order')
      .orderBy('outbox.id')
      .execute();
    expect(rows.map((row) => row.txid)).toEqual(events.map((event) => event.txid));
    expect(rows.every((row) => row.traceparent === '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' && row.event_type === 'authentication' && row.schema_version === 1)).toBe(true);
    expect(rows[0]!.occurred_at.toISOString()).toBe('2026-11-26T10:00:00.000Z');
  });

  it('runs flushes side by side under concurrent writers and keeps causal order: a record called after another resolved comes later', async () => {
    const ends: { end: number; seconds: number }[] = [];
    const writer = new OutboxWriter(database.db, { onFlush: (report) => ends.push({ end: performance.now(), seconds: report.seconds }) });
    const sessions = ['acct_gc_side_a', 'acct_gc_side_b', 'acct_gc_side_c', 'acct_gc_side_d'];
    const sent = new Map<string, string[]>(sessions.map((account) => [account, []]));
    // Each session records its logins one after another (as a login sequence does) while 64 other
    // writers keep several flushes busy.
    const session = async (account: string) => {
      for (let index = 0; index < 25; index += 1) {
        const event = sampleEvent({ account_id: account, txid: `gc-side-${randomUUID()}-${index}` });
        await writer.record(event);
        sent.get(account)!.push(String(event.txid));
      }
    };
    const background = Array.from({ length: 400 }, (_, index) => writer.record(sampleEvent({ account_id: `acct_gc_noise_${index % 64}`, txid: `gc-noise-${randomUUID()}` })));
    await Promise.all([...sessions.map(session), ...background]);
    // Some two flushes overlapped in time (another one opens once 16 records wait).
    const spans = ends.map(({ end, seconds }) => ({ start: end - seconds * 1000, end }));
    expect(spans.some((one, i) => spans.some((other, j) => i !== j && one.start < other.end && other.start < one.end))).toBe(true);
    for (const account of sessions) {
      const rows = await database.db
        .selectFrom('outbox')
        .innerJoin('authlog', 'authlog.id', 'outbox.authlog_id')
        .select('authlog.txid')
        .where('outbox.account_id', '=', account)
        .orderBy('outbox.id')
        .execute();
      expect(rows.map((row) => row.txid)).toEqual(sent.get(account));
    }
  });

  it('stores text with quotes, backslashes and non-ASCII exactly as a lone record does', async () => {
    const { writer } = recordingWriter();
    const name = 'Zoë "O\'Brien" \\ 雪 \u{1F512} \n tab\t ? \0 \x1a \r';
    const events = Array.from({ length: 8 }, () => sampleEvent({ account_id: 'acct_gc_text', user: { key: 'DU1', name, groups: ['a"b', 'ç'] } }));
    await Promise.all(events.map((event) => writer.record(event)));
    const rows = await rowsOf(events.map((event) => String(event.txid)));
    expect(rows.authlog).toHaveLength(8);
    for (const row of rows.authlog) expect(JSON.parse(row.payload).user.name).toBe(name);
    const byTxid = new Map(rows.authlog.map((row) => [row.txid, row.payload]));
    for (const event of events) expect(byTxid.get(String(event.txid))).toBe(JSON.stringify(parseAuthEvent(event)));
  });

  it('runs several full batches at once on their own connections when full batches wait, losing nothing', async () => {
    const ends: Array<{ start: number; end: number; records: number }> = [];
    const writer = new OutboxWriter(database.db, {
      maxBatchRecords: 16,
      maxConcurrentFlushes: 3,
      onFlush: (report) => ends.push({ start: performance.now() - report.seconds * 1000, end: performance.now(), records: report.records }),
    });
    const events = Array.from({ length: 400 }, (_, index) => sampleEvent({ account_id: `acct_gc_par_${index % 7}` }));
    const answers = await Promise.all(events.map((event) => writer.record(event)));
    expect(answers.every((answer) => answer.status === 'recorded')).toBe(true);
    expect(ends.reduce((sum, flush) => sum + flush.records, 0)).toBe(400);
    expect(Math.max(...ends.map((flush) => flush.records))).toBeLessThanOrEqual(16);
    // Most flushes in flight at one moment: at each flush's start, those begun and not yet ended.
    const overlapping = Math.max(...ends.map((flush) => ends.filter((other) => other.start <= flush.start && other.end > flush.start).length));
    expect(overlapping).toBeGreaterThan(1);
    expect(overlapping).toBeLessThanOrEqual(3);
    const rows = await rowsOf(events.map((event) => String(event.txid)));
    expect(rows.authlog).toHaveLength(400);
    expect(rows.outbox).toHaveLength(400);
    const ids = new Map(rows.authlog.map((row) => [row.id, row.txid]));
    for (const row of rows.outbox) expect(ids.has(row.authlog_id)).toBe(true);
  });

  it('bounds a flush by bytes', async () => {
    const { writer, flushes } = recordingWriter({ maxBatchBytes: 4_000 });
    await Promise.all(Array.from({ length: 50 }, () => writer.record(sampleEvent({ account_id: 'acct_gc_bytes' }))));
    expect(flushes.reduce((sum, flush) => sum + flush.records, 0)).toBe(50);
    expect(flushes.some((flush) => flush.records > 1)).toBe(true);
    expect(flushes.every((flush) => flush.records === 1 || flush.bytes <= 4_000)).toBe(true);
  });

  it('refuses a bad limit, naming it', () => {
    expect(() => new OutboxWriter(database.db, { maxBatchRecords: 0 })).toThrow(/maxBatchRecords/);
    expect(() => new OutboxWriter(database.db, { maxBatchBytes: 1.5 })).toThrow(/maxBatchBytes/);
    expect(() => new OutboxWriter(database.db, { maxConcurrentFlushes: -1 })).toThrow(/maxConcurrentFlushes/);
  });

  it('two writers racing on the same txids: one row each, exactly one caller told recorded', async () => {
    const first = recordingWriter();
    const second = recordingWriter();
    const events = Array.from({ length: 200 }, () => sampleEvent({ account_id: 'acct_gc_race' }));
    const answers = await Promise.all(events.flatMap((event) => [first.writer.record(event), second.writer.record({ ...event })]));
    for (let index = 0; index < answers.length; index += 2) expect([answers[index]!.status, answers[index + 1]!.status].sort()).toEqual(['duplicate', 'recorded']);
    const rows = await rowsOf(events.map((event) => String(event.txid)));
    expect(rows.authlog).toHaveLength(200);
    expect(rows.outbox).toHaveLength(200);
  });
});

describe('a group commit the server refuses', () => {
  it('fails only the caller whose row was refused; the others are recorded as if alone', async () => {
    // A row the server refuses (a trigger standing in for any per-row error validation cannot see).
    await sql
      .raw(
        `CREATE TRIGGER gc_poison BEFORE INSERT ON authlog FOR EACH ROW
         BEGIN IF NEW.txid LIKE 'poison-%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poisoned row'; END IF; END`,
      )
      .execute(database.db);
    try {
      const { writer, flushes } = recordingWriter();
      const events = Array.from({ length: 30 }, (_, index) => sampleEvent({ account_id: 'acct_gc_poison', txid: index === 17 ? `poison-${randomUUID()}` : randomUUID() }));
      // The first goes alone (nothing in flight); the other 29 wait for it and go together.
      const outcomes = await Promise.all(events.map((event) => settle(writer.record(event))));
      expect(flushes.some((flush) => flush.outcome === 'split')).toBe(true);
      outcomes.forEach((outcome, index) => {
        if (index === 17) expect(outcome.ok ? 'recorded' : String(outcome.error)).toMatch(/poisoned row/);
        else expect(outcome.ok && outcome.value.status).toBe('recorded');
      });
      const rows = await rowsOf(events.map((event) => String(event.txid)));
      expect(rows.authlog).toHaveLength(29);
      expect(rows.outbox).toHaveLength(29);
    } finally {
      await sql`DROP TRIGGER gc_poison`.execute(database.db);
    }
  });
});

/** A validated event waiting for a flush, as record() makes it (for writeRecordRows called directly). */
function pending(event: AuthEventInput): PendingRecord {
  const checked = parseAuthEvent(event);
  const payload = JSON.stringify(checked);
  return { event: checked, trace: checkTraceContext(undefined), payload, bytes: Buffer.byteLength(payload), resolve: () => {}, reject: () => {} };
}

describe('outbox ids taken as first + k (no lookup per row)', () => {
  it('points every outbox row at its own authlog row while several flushes run at once', async () => {
    const { writer, flushes } = recordingWriter({ maxBatchRecords: 24, maxConcurrentFlushes: 4 });
    const events = Array.from({ length: 600 }, (_, index) => sampleEvent({ account_id: `acct_gc_ids_${index % 9}`, txid: `gc-ids-${randomUUID()}` }));
    const answers = await Promise.all(events.map((event) => writer.record(event)));
    expect(answers.every((answer) => answer.status === 'recorded')).toBe(true);
    expect(flushes.some((flush) => flush.records > 1)).toBe(true);
    const rows = await database.db
      .selectFrom('outbox')
      .innerJoin('authlog', 'authlog.id', 'outbox.authlog_id')
      .select(['authlog.txid', 'authlog.account_id as authlog_account', 'outbox.account_id as outbox_account'])
      .where('authlog.txid', 'like', 'gc-ids-%')
      .execute();
    expect(rows).toHaveLength(600);
    expect(new Set(rows.map((row) => row.txid)).size).toBe(600);
    expect(rows.every((row) => row.authlog_account === row.outbox_account)).toBe(true);
  });

  it('refuses ids that are not consecutive (nothing committed), and the writer then looks each id up', async () => {
    // Whoever gives a row an explicit id breaks the run of ids after it: a trigger stands in for that.
    await sql
      .raw(`CREATE TRIGGER gc_gap BEFORE INSERT ON authlog FOR EACH ROW BEGIN IF NEW.txid LIKE 'gc-gap-%' THEN SET NEW.id = 900000000 + FLOOR(RAND() * 1000000); END IF; END`)
      .execute(database.db);
    try {
      const refused = await writeRecordRows(
        database.db,
        ['gc-refused-1', 'gc-gap-0', 'gc-refused-2'].map((txid) => pending(sampleEvent({ account_id: 'acct_gc_gap', txid }))),
        'consecutive',
      ).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(NotConsecutiveIdsError);
      expect(await rowsOf(['gc-refused-1', 'gc-gap-0', 'gc-refused-2'])).toEqual({ authlog: [], outbox: [] });
      expect(await database.db.selectFrom('authlog_txid').select('txid').where('account_id', '=', 'acct_gc_gap').execute()).toEqual([]);

      // One flush at a time, so the outbox order is the callers' order and shows each row's own id.
      const { writer, flushes } = recordingWriter({ maxConcurrentFlushes: 1 });
      const events = Array.from({ length: 30 }, (_, index) => sampleEvent({ account_id: 'acct_gc_gap', txid: `${index === 5 ? 'gc-gap' : 'gc-gapless'}-${randomUUID()}` }));
      const answers = await Promise.all(events.map((event) => writer.record(event)));
      expect(answers.every((answer) => answer.status === 'recorded')).toBe(true);
      expect(flushes.filter((flush) => flush.outcome !== 'committed')).toEqual([]);
      const rows = await database.db
        .selectFrom('outbox')
        .innerJoin('authlog', 'authlog.id', 'outbox.authlog_id')
        .select(['authlog.txid'])
        .where('outbox.account_id', '=', 'acct_gc_gap')
        .orderBy('outbox.id')
        .execute();
      expect(rows.map((row) => row.txid)).toEqual(events.map((event) => event.txid));
    } finally {
      await sql`DROP TRIGGER gc_gap`.execute(database.db);
    }
  });
});
