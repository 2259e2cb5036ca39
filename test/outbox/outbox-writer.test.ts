import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../shared/errors/validation-error.js';
import { IdempotencyConflictError } from '../../shared/outbox/idempotency-conflict-error.js';
import { OutboxWriter } from '../../shared/outbox/outbox-writer.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let database: TestDatabase;
let writer: OutboxWriter;

beforeAll(async () => {
  database = await createTestDatabase();
  writer = new OutboxWriter(database.db);
});
afterAll(() => database.drop());

async function countRows(txid: string) {
  const authlog = await database.db.selectFrom('authlog').select((eb) => eb.fn.countAll<number>().as('n')).where('txid', '=', txid).executeTakeFirstOrThrow();
  const outbox = await database.db
    .selectFrom('outbox')
    .innerJoin('authlog', 'authlog.id', 'outbox.authlog_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('authlog.txid', '=', txid)
    .executeTakeFirstOrThrow();
  return { authlog: Number(authlog.n), outbox: Number(outbox.n) };
}

describe('OutboxWriter.record', () => {
  it('writes the Authlog row and its outbox row, and reads back the same event', async () => {
    const event = sampleEvent({ account_id: 'acct_a' });
    const result = await writer.record(event, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' });
    expect(result.status).toBe('recorded');
    expect(await countRows(result.txid)).toEqual({ authlog: 1, outbox: 1 });

    const row = await database.db.selectFrom('authlog').selectAll().where('txid', '=', result.txid).executeTakeFirstOrThrow();
    expect(JSON.parse(row.payload)).toMatchObject({ txid: event.txid, account_id: 'acct_a', schema_version: 1, reason: 'user_approved' });
    expect(row.occurred_at.toISOString()).toBe('2026-11-26T10:00:00.000Z');
    expect(row.result).toBe('success');

    const outbox = await database.db.selectFrom('outbox').selectAll().where('authlog_id', '=', row.id).executeTakeFirstOrThrow();
    expect(outbox).toMatchObject({ account_id: 'acct_a', event_type: 'authentication', schema_version: 1 });
    expect(outbox.traceparent).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(outbox.shard).toBeGreaterThanOrEqual(0);
    expect(outbox.shard).toBeLessThan(64);
  });

  it('is idempotent: the same txid twice leaves one row each and says duplicate', async () => {
    const event = sampleEvent();
    const first = await writer.record(event);
    const second = await writer.record(event);
    expect(first.status).toBe('recorded');
    expect(second).toEqual({ txid: first.txid, status: 'duplicate' });
    expect(await countRows(first.txid)).toEqual({ authlog: 1, outbox: 1 });
  });

  it('refuses a txid already recorded for another account', async () => {
    const event = sampleEvent({ account_id: 'acct_owner' });
    await writer.record(event);
    await expect(writer.record({ ...event, account_id: 'acct_other' })).rejects.toBeInstanceOf(IdempotencyConflictError);
  });
});

describe('OutboxWriter inside the caller transaction', () => {
  it('commits with the caller', async () => {
    const event = sampleEvent();
    await database.db.transaction().execute(async (trx) => {
      await writer.recordIn(trx, event);
    });
    expect(await countRows(String(event.txid))).toEqual({ authlog: 1, outbox: 1 });
  });

  it('leaves no Authlog and no outbox row when the caller rolls back', async () => {
    const event = sampleEvent();
    await expect(
      database.db.transaction().execute(async (trx) => {
        await writer.recordIn(trx, event);
        throw new Error('login aborted');
      }),
    ).rejects.toThrow('login aborted');
    expect(await countRows(String(event.txid))).toEqual({ authlog: 0, outbox: 0 });
  });

  it('a duplicate inside the caller transaction does not spoil it', async () => {
    const event = sampleEvent();
    await writer.record(event);
    const other = sampleEvent();
    await database.db.transaction().execute(async (trx) => {
      expect((await writer.recordIn(trx, event)).status).toBe('duplicate');
      expect((await writer.recordIn(trx, other)).status).toBe('recorded');
    });
    expect(await countRows(String(other.txid))).toEqual({ authlog: 1, outbox: 1 });
  });
});

describe('OutboxWriter.recordBatch', () => {
  it('records many in one transaction', async () => {
    const events = Array.from({ length: 50 }, () => sampleEvent({ account_id: 'acct_batch' }));
    const results = await writer.recordBatch(events);
    expect(results.map((result) => result.status)).toEqual(events.map(() => 'recorded'));
    for (const result of results.slice(0, 5)) expect(await countRows(result.txid)).toEqual({ authlog: 1, outbox: 1 });
    const outbox = await database.db
      .selectFrom('outbox')
      .innerJoin('authlog', 'authlog.id', 'outbox.authlog_id')
      .select(['authlog.txid', 'outbox.event_type', 'outbox.schema_version'])
      .where('outbox.account_id', '=', 'acct_batch')
      .execute();
    expect(outbox.map((row) => row.txid).sort()).toEqual(results.map((result) => result.txid).sort());
    expect(outbox.every((row) => row.event_type === 'authentication' && row.schema_version === 1)).toBe(true);
  });

  it('gives the outbox rows the batch order, which is the order the relay publishes in', async () => {
    // Enough other rows that MySQL reads the batch back through the txid index (in txid order)
    // rather than scanning the table in id order, which would hide a missing ORDER BY.
    await writer.recordBatch(Array.from({ length: 3000 }, () => sampleEvent({ account_id: 'acct_filler' })));
    const events = Array.from({ length: 40 }, (_, index) => sampleEvent({ account_id: 'acct_order', txid: `order-${String(index).padStart(2, '0')}` }));
    // Shuffled, so that the txid order differs from the batch order.
    const batch = [...events].sort(() => Math.random() - 0.5);
    await writer.recordBatch(batch);
    const rows = await database.db
      .selectFrom('outbox')
      .innerJoin('authlog', 'authlog.id', 'outbox.authlog_id')
      .select('authlog.txid')
      .where('outbox.account_id', '=', 'acct_order')
      .orderBy('outbox.id')
      .execute();
    expect(rows.map((row) => row.txid)).toEqual(batch.map((event) => event.txid));
  });

  it('reports earlier and repeated txids as duplicates and records the rest', async () => {
    const old = sampleEvent();
    await writer.record(old);
    const fresh = sampleEvent();
    const results = await writer.recordBatch([old, fresh, fresh]);
    expect(results.map((result) => result.status)).toEqual(['duplicate', 'recorded', 'duplicate']);
    expect(await countRows(String(fresh.txid))).toEqual({ authlog: 1, outbox: 1 });
  });

  it('writes nothing when one event of the batch is invalid', async () => {
    const good = sampleEvent();
    await expect(writer.recordBatch([good, sampleEvent({ result: 'maybe' })])).rejects.toBeInstanceOf(ValidationError);
    expect(await countRows(String(good.txid))).toEqual({ authlog: 0, outbox: 0 });
  });
});

describe('concurrent writers', () => {
  it('32 writers recording 20 events each lose and duplicate nothing', async () => {
    const events = Array.from({ length: 640 }, (_, index) => sampleEvent({ account_id: `acct_c${index % 7}` }));
    const results = await Promise.all(
      Array.from({ length: 32 }, async (_, worker) => {
        const mine = events.filter((_, index) => index % 32 === worker);
        const out = [];
        for (const event of mine) out.push(await writer.record(event));
        return out;
      }),
    );
    expect(results.flat().every((result) => result.status === 'recorded')).toBe(true);
    const txids = events.map((event) => String(event.txid));
    const authlog = await database.db.selectFrom('authlog').select('id').where('txid', 'in', txids).execute();
    const outbox = await database.db.selectFrom('outbox').select('authlog_id').where('authlog_id', 'in', authlog.map((row) => row.id)).execute();
    expect(authlog).toHaveLength(640);
    expect(new Set(outbox.map((row) => row.authlog_id)).size).toBe(640);
    expect(outbox).toHaveLength(640);
  });
});

describe('OutboxWriter failure between the two inserts', () => {
  it('rolls back the Authlog row when the outbox insert fails, and reports the error', async () => {
    const broken = await createTestDatabase();
    try {
      // Without an outbox table, the second insert of authlog_record fails after the first succeeded.
      await sql`DROP TABLE outbox`.execute(broken.db);
      const event = sampleEvent();
      await expect(new OutboxWriter(broken.db).record(event)).rejects.toThrow(/outbox/);
      const rows = await broken.db.selectFrom('authlog').select('id').where('txid', '=', String(event.txid)).execute();
      expect(rows).toEqual([]);
    } finally {
      await broken.drop();
    }
  });

  it('refuses to be built on a transaction, whose COMMIT it would otherwise take over', async () => {
    await database.db.transaction().execute(async (trx) => {
      expect(() => new OutboxWriter(trx)).toThrow(/recordIn/);
    });
  });
});

describe('OutboxWriter idempotency across retries', () => {
  it('a retry that carries a new timestamp is still the same txid: one record', async () => {
    const event = sampleEvent();
    await writer.record(event);
    const retry = await writer.record({ ...event, timestamp: '2026-11-26T10:00:05.000Z' });
    expect(retry.status).toBe('duplicate');
    expect(await countRows(String(event.txid))).toEqual({ authlog: 1, outbox: 1 });
    const batchRetry = await writer.recordBatch([{ ...event, timestamp: '2026-11-26T10:00:09.000Z' }]);
    expect(batchRetry.map((result) => result.status)).toEqual(['duplicate']);
    expect(await countRows(String(event.txid))).toEqual({ authlog: 1, outbox: 1 });
  });
});
