import { Kysely, MysqlDialect, sql, type CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMessages } from '../../services/webhook-api/src/message-list-query.js';
import type { WebhooksDatabase } from '../../shared/webhooks/webhook-tables.js';
import { loadAttemptLog } from '../../testing/attempt-log-loader.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

// The messages list on a bulk-loaded attempt log whose statistics InnoDB has not computed yet (a
// restore, a migration of a big account, the first minutes of a fresh replica). Without them
// MariaDB once probed each listed message's earlier attempts through (endpoint_id, id), i.e. every
// attempt of the endpoint per message: 13.9 s for page 1 at 200,000 attempts. Every statement's
// plan is checked here with the statistics left empty (STATS_AUTO_RECALC=0 keeps them so).

const ENDPOINT = 'ep_plans';
const ACCOUNT = 'acct_plans';
let database: TestDatabase;
let db: Kysely<WebhooksDatabase>;
const statements: CompiledQuery[] = [];

interface PlanRow {
  readonly table: string | null;
  readonly select_type: string;
  readonly type: string | null;
  readonly key: string | null;
}

beforeAll(async () => {
  database = await createTestDatabase();
  await sql`ALTER TABLE webhook_attempts STATS_AUTO_RECALC = 0`.execute(database.db);
  await sql`ALTER TABLE webhook_messages STATS_AUTO_RECALC = 0`.execute(database.db);
  await loadAttemptLog(database.pool, { endpointId: ENDPOINT, accountId: ACCOUNT, messages: 20_000, days: 28 });
  // The same pool, every statement recorded (not destroyed here: the pool is the database's).
  db = new Kysely<WebhooksDatabase>({ dialect: new MysqlDialect({ pool: database.pool }), log: (event) => void (event.level === 'query' && statements.push(event.query)) });
}, 120_000);

afterAll(async () => {
  await database?.drop();
});

async function planOf(statement: CompiledQuery): Promise<PlanRow[]> {
  return new Promise((resolve, reject) =>
    database.pool.query(`EXPLAIN ${statement.sql}`, statement.parameters as unknown[], (error, rows) => (error ? reject(error) : resolve(rows as PlanRow[]))),
  );
}

const pages = async () => {
  const first = await listMessages(db, ACCOUNT, ENDPOINT, { limit: 50 });
  const second = await listMessages(db, ACCOUNT, ENDPOINT, { limit: 50, before: first.next });
  const week = await listMessages(db, ACCOUNT, ENDPOINT, { limit: 250, from: new Date(Date.now() - 7 * 86_400_000), to: new Date(Date.now() - 86_400_000) });
  return [first, second, week].map((page) => page.messages.map((message) => [message.position.messageId, message.status, message.attempts]));
};

describe('messages list on an attempt log without statistics', () => {
  it('probes attempts by (endpoint_id, message_id, id) and walks the time indexes, never the endpoint\'s whole log', async () => {
    // What the optimiser believes without statistics: (endpoint_id, message_id) as unselective as endpoint_id alone.
    const stats = await sql<{ cardinality: number | null }>`
      SELECT CARDINALITY AS cardinality FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = ${database.name} AND TABLE_NAME = 'webhook_attempts' AND INDEX_NAME = 'ix_webhook_attempts_message' AND SEQ_IN_INDEX = 2
    `.execute(database.db);
    expect(Number(stats.rows[0]?.cardinality ?? 0)).toBeLessThan(100);
    statements.length = 0;
    const [first] = await pages();
    expect(first).toHaveLength(50);
    const selects = statements.filter((statement) => /^\s*select/i.test(statement.sql));
    expect(selects.length).toBeGreaterThanOrEqual(4);
    for (const statement of selects) {
      const plan = await planOf(statement);
      for (const row of plan) {
        const where = `${row.select_type} ${row.table ?? ''} in: ${statement.sql.replace(/\s+/g, ' ').slice(0, 160)}`;
        // (endpoint_id, id) is a right index for attempts named by id (a range of point lookups, the
        // planner's pick or the primary key's); what must never happen is a walk of the endpoint's
        // whole log through it (ref on endpoint_id alone, or a scan).
        if (row.key === 'ix_webhook_attempts_endpoint') expect({ type: row.type, byIds: /`id` in \(/i.test(statement.sql) }, where).toEqual({ type: 'range', byIds: true });
        if (row.table !== null && /^(a|p|f|m|webhook_attempts|webhook_messages)$/.test(row.table)) expect(row.type, where).not.toBe('ALL');
        if (row.select_type === 'DEPENDENT SUBQUERY') expect(row.key, where).toBe('ix_webhook_attempts_message');
      }
    }
  });

  it('lists the same pages once the statistics are there', async () => {
    const before = await pages();
    await sql`ANALYZE TABLE webhook_attempts, webhook_messages`.execute(database.db);
    expect(await pages()).toEqual(before);
  });
});
