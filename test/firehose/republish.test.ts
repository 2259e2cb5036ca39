import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fillAuthlog } from '../../bench/indexer-support/fill-authlog.js';
import { DecodeFailure } from '../../shared/kafka/decode-failure.js';
import { decodeEventMessage } from '../../shared/kafka/event-message-decoder.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../shared/kafka/kafka-connection.js';
import { silentLogger } from '../../shared/log/logger.js';
import { simulatedEvents } from '../indexer/support/event-messages.js';
import { waitFor } from '../indexer/support/indexer-harness.js';
import { SpawnedProcess } from '../../testing/spawned-process.js';
import { readMessages } from '../support/read-messages.js';
import { testSettings } from '../support/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniqueName } from '../support/unique-name.js';

const { ConfigResourceTypes } = kafkajs;
const REPUBLISH = 'dist/services/republish/src/main.js';

let kafka: Kafka;
let admin: Admin;
let database: TestDatabase;
const topics: string[] = [];
const processes: SpawnedProcess[] = [];

beforeAll(async () => {
  kafka = createKafka({ clientId: 'republish-test', connection: kafkaConnection(testSettings), logger: silentLogger });
  admin = kafka.admin();
  await admin.connect();
});
afterAll(async () => {
  const existing = await admin.listTopics();
  const mine = topics.filter((topic) => existing.includes(topic));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await admin.disconnect();
});
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(processes.splice(0).map((child) => child.kill()));
  await database.drop();
});

function republish(args: string[]): SpawnedProcess {
  const child = new SpawnedProcess(REPUBLISH, { AUTHLOG_MYSQL_URL: database.url, AUTHLOG_KAFKA_BROKERS: testSettings.AUTHLOG_KAFKA_BROKERS.join(','), LOG_LEVEL: 'warn', OPS_PORT: '0' }, args);
  processes.push(child);
  return child;
}

const summaryOf = (child: SpawnedProcess) => JSON.parse(child.lines.at(-1) ?? '{}') as Record<string, unknown>;
const header = (value: unknown) => (Array.isArray(value) ? String(value[0]) : String(value));

describe('npm run republish', () => {
  it('publishes the range in order per account with the relay envelope, resumes after Ctrl-C, totals equal MySQL, outbox untouched', async () => {
    const events = simulatedEvents(2_000, { accountPrefix: uniqueName('acct'), from: new Date('2026-09-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z'), accounts: 4 });
    await fillAuthlog(database.db, events);
    await sql`INSERT INTO outbox (authlog_id, occurred_at, account_id, event_type, schema_version) SELECT id, occurred_at, account_id, 'authentication', 1 FROM authlog ORDER BY id LIMIT 7`.execute(database.db);
    const outboxBefore = await sql<{ id: number; published_at: Date | null }>`SELECT id, published_at FROM outbox ORDER BY id`.execute(database.db);
    const topic = uniqueName('republish');
    topics.push(topic);
    const args = ['--from', '2026-10-01', '--to', '2026-12-01T00:00:00Z', '--topic', topic, '--batch-size', '50', '--rate', '1000', '--partitions', '3'];

    const first = republish(args);
    await waitFor('the first checkpoints', async () => Number((await sql<{ n: number }>`SELECT COALESCE(MAX(rows_published), 0) AS n FROM republish_jobs`.execute(database.db)).rows[0]?.n) >= 300, 30_000, 50);
    first.signal('SIGINT');
    expect((await first.exited).code).toBe(130);
    expect(summaryOf(first)).toMatchObject({ status: 'stopped' });

    const second = republish(args);
    expect((await second.exited).code).toBe(0);
    expect(second.stderr).toMatch(/republish .*rows\/s/);
    const expected = await sql<{ id: number; txid: string; account_id: string }>`
      SELECT id, txid, account_id FROM authlog WHERE occurred_at >= '2026-10-01' AND occurred_at < '2026-12-01' ORDER BY id`.execute(database.db);
    const summary = summaryOf(second);
    expect(summary).toMatchObject({ status: 'completed', resumed: true, rowsPublished: expected.rows.length, mysqlRows: expected.rows.length, totalsMatch: true });

    // Ctrl-C let the batch in flight finish and saved it: every row exactly once.
    const messages = await readMessages(kafka, topic, expected.rows.length, 60_000);
    expect(messages.length).toBe(expected.rows.length);
    const seen = new Map<string, string[]>();
    for (const message of messages) {
      const decoded = decodeEventMessage(message, (event) => event, undefined);
      expect(decoded).not.toBeInstanceOf(DecodeFailure);
      expect(header(message.headers?.ce_source)).toBe(`/authlog/accounts/${message.key?.toString()}`);
      expect(header(message.headers?.ce_dataschema)).toBe('urn:authlog:event:v1');
      const account = message.key!.toString();
      seen.set(account, [...(seen.get(account) ?? []), header(message.headers?.ce_id)]);
    }
    for (const [account, ids] of seen) expect(ids).toEqual(expected.rows.filter((row) => row.account_id === account).map((row) => row.txid));

    const outboxAfter = await sql<{ id: number; published_at: Date | null }>`SELECT id, published_at FROM outbox ORDER BY id`.execute(database.db);
    expect(outboxAfter.rows).toEqual(outboxBefore.rows);

    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] }] });
    expect(described.resources[0]?.configEntries[0]?.configValue).toBe(String(168 * 3_600_000));
  });

  it('publishes one account only, and a finished job run again publishes nothing more', async () => {
    const events = simulatedEvents(600, { accountPrefix: uniqueName('acct'), from: new Date('2026-10-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z'), accounts: 3 });
    await fillAuthlog(database.db, events);
    const account = events[0]!.account_id;
    const topic = uniqueName('republish');
    topics.push(topic);
    const args = ['--from', '2026-10-01', '--to', '2026-11-01', '--account', account, '--topic', topic, '--rate', '0'];
    const run = republish(args);
    expect((await run.exited).code).toBe(0);
    const count = events.filter((event) => event.account_id === account).length;
    expect(summaryOf(run)).toMatchObject({ rowsPublished: count, mysqlRows: count, totalsMatch: true });
    const again = republish(args);
    expect((await again.exited).code).toBe(0);
    expect(summaryOf(again)).toMatchObject({ sentThisRun: 0, rowsPublished: count, totalsMatch: true });
    const messages = await readMessages(kafka, topic, count);
    expect(new Set(messages.map((message) => message.key?.toString()))).toEqual(new Set([account]));
  });

  it('answers --help, and refuses bad usage and the live events topic naming the flag', async () => {
    const help = republish(['--help']);
    expect((await help.exited).code).toBe(0);
    expect(help.lines.join('\n')).toMatch(/^usage: npm run republish/);
    const noTopic = republish(['--from', '2026-10-01', '--to', '2026-11-01']);
    expect((await noTopic.exited).code).toBe(2);
    expect(noTopic.stderr).toMatch(/--topic is required/);
    const badDate = republish(['--from', 'yesterday', '--to', '2026-11-01', '--topic', 'x']);
    expect((await badDate.exited).code).toBe(2);
    expect(badDate.stderr).toMatch(/--from yesterday/);
    const live = republish(['--from', '2026-10-01', '--to', '2026-11-01', '--topic', 'authlog.events.v1']);
    expect((await live.exited).code).toBe(2);
    expect(live.stderr).toMatch(/live events topic/);
  });
});
