import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetentionCleaner } from '../../services/relay/src/retention-cleaner.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { outboxCount } from './support/relay-harness.js';
import { writeEvents } from './support/write-events.js';

const ALL_SHARDS = Array.from({ length: 64 }, (_, shard) => shard);

describe('retention cleaner (MySQL)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('reports every chunk as soon as it is deleted, so a round stopped half-way still counts what it removed', async () => {
    await writeEvents(database, 150, { concurrency: 2 });
    await sql`UPDATE outbox SET published_at = NOW(6) - INTERVAL 1 HOUR`.execute(database.db);
    const reported: { rows: number }[] = [];
    const abort = new AbortController();
    const cleaner = new RetentionCleaner(database.pool.promise(), {
      retentionSeconds: 60,
      chunk: 40,
      onDeleted: (rows) => {
        reported.push({ rows });
        // Stop the round after its second chunk, as stop() would.
        if (reported.length === 2) abort.abort();
      },
    });
    const firstRound = await cleaner.clean(ALL_SHARDS, abort.signal);
    expect(reported.map((item) => item.rows)).toEqual([40, 40]);
    expect(firstRound).toBe(80);
    expect(await outboxCount(database)).toBe(70);

    // Each report comes after its rows are gone: the counter never runs ahead of the table.
    const counted: number[] = [];
    const second = new RetentionCleaner(database.pool.promise(), {
      retentionSeconds: 60,
      chunk: 40,
      onDeleted: (rows) => counted.push(rows),
    });
    expect(await second.clean(ALL_SHARDS, new AbortController().signal)).toBe(70);
    expect(counted).toEqual([40, 30]);
    expect(await outboxCount(database)).toBe(0);
  });

  it('keeps rows younger than the retention period and unpublished rows', async () => {
    await writeEvents(database, 30, { concurrency: 1 });
    await sql`UPDATE outbox SET published_at = NOW(6) WHERE id % 2 = 0`.execute(database.db);
    const counted: number[] = [];
    const cleaner = new RetentionCleaner(database.pool.promise(), { retentionSeconds: 60, chunk: 40, onDeleted: (rows) => counted.push(rows) });
    expect(await cleaner.clean(ALL_SHARDS, new AbortController().signal)).toBe(0);
    expect(counted).toEqual([]);
    expect(await outboxCount(database)).toBe(30);
  });
});
