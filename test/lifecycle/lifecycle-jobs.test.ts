import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { sql, type Kysely } from 'kysely';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createElasticsearch } from '../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../shared/elasticsearch/elasticsearch-connection.js';
import { eventIndexNames, type EventIndexNames } from '../../shared/elasticsearch/event-index.js';
import { ensureEventTemplate } from '../../shared/elasticsearch/event-template.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { kafkaConnection } from '../../shared/kafka/kafka-connection.js';
import { silentLogger } from '../../shared/log/logger.js';
import { toBulkItem } from '../../services/indexer/src/bulk-item.js';
import { createElasticsearchBulkSender } from '../../services/indexer/src/elasticsearch-bulk-sender.js';
import { withJobLock } from '../../services/lifecycle/src/job-lock.js';
import { AuthlogPartitionsJob } from '../../services/lifecycle/src/jobs/authlog-partitions-job.js';
import { ElasticsearchRetentionJob } from '../../services/lifecycle/src/jobs/elasticsearch-retention-job.js';
import { KafkaRetentionDriftJob, type TopicRetentionState } from '../../services/lifecycle/src/jobs/kafka-retention-drift-job.js';
import { WebhookRetentionJob } from '../../services/lifecycle/src/jobs/webhook-retention-job.js';
import type { LifecycleJob } from '../../services/lifecycle/src/lifecycle-job.js';
import { LifecycleMetrics } from '../../services/lifecycle/src/lifecycle-metrics.js';
import { LifecycleScheduler } from '../../services/lifecycle/src/lifecycle-scheduler.js';
import type { LifecycleDatabase } from '../../services/lifecycle/src/lifecycle-tables.js';
import { EventSearch } from '../../services/reports/src/search/event-search.js';
import { NO_FILTERS } from '../../services/reports/src/search/event-scope.js';
import { volumeReport } from '../../services/reports/src/reports/volume-report.js';
import { simulatedEvents } from '../indexer/support/event-messages.js';
import { deleteIndices } from '../indexer/support/indexer-harness.js';
import { testSettings } from '../support/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniqueName } from '../support/unique-name.js';

const DAY_MS = 86_400_000;
const signal = new AbortController().signal;

describe('Elasticsearch retention job (shortened clock)', () => {
  let es: Client;
  let names: EventIndexNames;
  beforeAll(async () => {
    es = createElasticsearch({ connection: elasticsearchConnection(testSettings) });
  });
  afterAll(async () => {
    await deleteIndices(es, names.pattern);
    await es.close();
  });

  it('deletes the oldest month past retention, keeps the current one, keeps the alias whole, and reports over the remaining range are unchanged', async () => {
    names = eventIndexNames(uniqueName('lifecycle').toLowerCase());
    await ensureEventTemplate(es, names, { shards: 1, replicas: 0 });
    const account = uniqueName('acct');
    // Four months of one account's events: August to November 2026.
    const events = simulatedEvents(400, { accountPrefix: account, accounts: 1, from: new Date('2026-08-01T00:00:00Z'), to: new Date('2026-11-30T00:00:00Z') });
    const accountId = events[0]!.account_id;
    const outcomes = await createElasticsearchBulkSender(es, { timeoutMs: 60_000 })(events.map((event) => toBulkItem(names, event, null)));
    expect(outcomes.every((outcome) => outcome.status === 'indexed')).toBe(true);
    await es.indices.refresh({ index: names.pattern });

    const context = { search: new EventSearch(es, names, { requestTimeoutMs: 30_000 }), settings: { precisionThreshold: 3_000, compositePageSize: 1_000, termsShardSize: 100 } };
    const remaining = { accountId, range: { fromMs: Date.parse('2026-09-01T00:00:00Z'), toMs: Date.parse('2026-12-01T00:00:00Z'), timeZone: 'UTC' }, filters: NO_FILTERS };
    const before = await volumeReport({ ...context, scope: remaining }, 'day', 'given');
    const august = events.filter((event) => event.timestamp.startsWith('2026-08')).length;
    expect(august).toBeGreaterThan(0);

    // Shortened clock: "now" is 2026-11-20 and the retention 70 days, so the cutoff is 2026-09-11.
    // August ended before it (goes); September ends after it (stays: it still holds young events).
    const alias = names.alias;
    const actions = [{ remove: { index: `${names.prefix}-events-2026.10`, alias } }];
    await es.indices.updateAliases({ actions });
    const job = new ElasticsearchRetentionJob(es, names, 70, silentLogger);
    const report = await job.run(new Date('2026-11-20T12:00:00Z'));
    expect(report.removed).toBe(1);
    expect(report.details).toMatchObject({
      deleted: [`${names.prefix}-events-2026.08`],
      kept: [`${names.prefix}-events-2026.09`, `${names.prefix}-events-2026.10`, `${names.prefix}-events-2026.11`],
      aliasRepaired: [`${names.prefix}-events-2026.10`],
    });
    const left = Object.keys(await es.indices.get({ index: names.pattern })).sort();
    expect(left).toEqual([`${names.prefix}-events-2026.09`, `${names.prefix}-events-2026.10`, `${names.prefix}-events-2026.11`]);
    expect(Object.keys(await es.indices.getAlias({ name: alias })).sort()).toEqual(left);

    const after = await volumeReport({ ...context, scope: remaining }, 'day', 'given');
    expect(after).toEqual(before);
    expect((await es.count({ index: alias })).count).toBe(events.length - august);

    // A second run finds nothing more; with a one-day retention, everything but November goes, never November (current).
    expect((await job.run(new Date('2026-11-20T12:00:00Z'))).removed).toBe(0);
    const short = await new ElasticsearchRetentionJob(es, names, 1, silentLogger).run(new Date('2026-11-20T12:00:00Z'));
    expect(short.details).toMatchObject({ kept: [`${names.prefix}-events-2026.11`] });
  });
});

describe('jobs on MySQL', () => {
  let database: TestDatabase;
  const db = () => database.db as unknown as Kysely<LifecycleDatabase>;
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    await database.drop();
  });

  async function fillWebhookLog(now: Date): Promise<void> {
    const old = new Date(now.getTime() - 40 * DAY_MS);
    const young = new Date(now.getTime() - 5 * DAY_MS);
    for (let i = 0; i < 7; i += 1) {
      await sql`INSERT INTO webhook_attempts (endpoint_id, account_id, message_id, attempt, trigger_type, attempted_at, outcome, latency_ms) VALUES ('ep_1', 'acct', ${`msg_${i}`}, 1, 'scheduled', ${i < 5 ? old : young}, 'success', 10)`.execute(database.db);
    }
    const message = (id: string, status: string, createdAt: Date) =>
      sql`INSERT INTO webhook_messages (endpoint_id, message_id, account_id, event_type, body, status, created_at) VALUES ('ep_1', ${id}, 'acct', 'authlog.authentication', '{}', ${status}, ${createdAt})`.execute(database.db);
    await message('old_delivered_1', 'delivered', old);
    await message('old_delivered_2', 'delivered', old);
    await message('old_failed', 'failed', old);
    await message('old_pending', 'pending', old);
    await message('young', 'delivered', young);
  }

  it('prunes webhook attempts and messages past retention in chunks, keeps young rows and pending messages, and counts what it removed', async () => {
    const now = new Date('2026-12-07T12:00:00Z');
    await fillWebhookLog(now);
    const removed: [string, number][] = [];
    const job = new WebhookRetentionJob(db(), { retentionDays: 30, chunk: 2, pauseMs: 0, onRemoved: (table, rows) => removed.push([table, rows]) }, silentLogger);
    const report = await job.run(now, signal);
    expect(report).toMatchObject({ removed: 8, details: { attempts: 5, messages: 3 } });
    expect(removed).toEqual([
      ['webhook_attempts', 2],
      ['webhook_attempts', 2],
      ['webhook_attempts', 1],
      ['webhook_messages', 2],
      ['webhook_messages', 1],
    ]);
    const messages = await sql<{ message_id: string }>`SELECT message_id FROM webhook_messages ORDER BY message_id`.execute(database.db);
    expect(messages.rows.map((row) => row.message_id)).toEqual(['old_pending', 'young']);
    expect(Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM webhook_attempts`.execute(database.db)).rows[0]?.n)).toBe(2);
  });

  it('runs each job under its GET_LOCK (held elsewhere: skipped), records every run, and goes on past a failing job', async () => {
    const now = new Date('2026-12-07T12:00:00Z');
    await fillWebhookLog(now);
    const registry = new Registry();
    const failing: LifecycleJob = { name: 'always-fails', run: async () => Promise.reject(new Error('sink unreachable')) };
    const webhook = new WebhookRetentionJob(db(), { retentionDays: 30, chunk: 100, pauseMs: 0, onRemoved: () => {} }, silentLogger);
    const scheduler = new LifecycleScheduler({
      db: db(),
      jobs: [new AuthlogPartitionsJob(180, undefined), failing, webhook],
      instance: 'test-a',
      intervalMs: 60_000,
      metrics: new LifecycleMetrics(registry),
      logger: silentLogger,
      now: () => now,
    });

    // Another instance holds the webhook job: this one skips it, runs the others.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const other = withJobLock(db(), 'webhook-log', async () => {
      locked();
      await held;
    });
    await isLocked;
    const first = await scheduler.runOnce();
    release();
    expect((await other).ran).toBe(true);
    expect(first.map((outcome) => [outcome.job, outcome.status])).toEqual([
      ['authlog-partitions', 'not_configured'],
      ['always-fails', 'failed'],
      ['webhook-log', 'skipped'],
    ]);

    const second = await scheduler.runOnce();
    expect(second.find((outcome) => outcome.job === 'webhook-log')).toMatchObject({ status: 'ok', removed: 8 });
    const runs = await db().selectFrom('lifecycle_job_runs').select(['job_name', 'status', 'removed', 'error', 'instance']).orderBy('id').execute();
    expect(runs.map((run) => [run.job_name, run.status, Number(run.removed)])).toEqual([
      ['authlog-partitions', 'not_configured', 0],
      ['always-fails', 'failed', 0],
      ['authlog-partitions', 'not_configured', 0],
      ['always-fails', 'failed', 0],
      ['webhook-log', 'ok', 8],
    ]);
    expect(runs[1]?.error).toBe('sink unreachable');
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/lifecycle_job_runs_total\{job="webhook-log",status="skipped"\} 1/);
    expect(metrics).toMatch(/lifecycle_removed_total\{job="webhook-log"\} 8/);
  });
});

describe('Kafka retention drift report', () => {
  let kafka: Kafka;
  const topics: string[] = [];
  beforeAll(() => {
    kafka = createKafka({ clientId: 'lifecycle-test', connection: kafkaConnection(testSettings), logger: silentLogger });
  });
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  });

  it('reports a topic whose retention differs from the policy, never alters it, and a missing topic as not there', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const matching = uniqueName('lifecycle-events');
    const drifting = uniqueName('lifecycle-dlq');
    topics.push(matching, drifting);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: matching, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: String(168 * 3_600_000) }] },
        { topic: drifting, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] },
      ],
    });
    await admin.disconnect();
    const states: TopicRetentionState[] = [];
    const job = new KafkaRetentionDriftJob(
      kafka,
      [
        { topic: matching, retentionMs: 168 * 3_600_000 },
        { topic: drifting, retentionMs: 30 * DAY_MS },
        { topic: uniqueName('lifecycle-missing'), retentionMs: 30 * DAY_MS },
      ],
      (state) => states.push(state),
      silentLogger,
    );
    const report = await job.run();
    expect(report.removed).toBe(0);
    expect(report.details.drifting).toEqual([drifting]);
    expect(states.map((state) => [state.actualMs, state.drift])).toEqual([
      [168 * 3_600_000, false],
      [3_600_000, true],
      [null, false],
    ]);
    // Report only: the topic was not altered, so a second run finds the same drift.
    const again = await job.run();
    expect(again.details.drifting).toEqual([drifting]);
  });
});
