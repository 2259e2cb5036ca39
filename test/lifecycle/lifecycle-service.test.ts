import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../indexer/support/indexer-harness.js';
import { SpawnedProcess } from '../../testing/spawned-process.js';
import { freePort } from '../support/free-port.js';
import { testSettings } from '../support/settings.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniqueName } from '../support/unique-name.js';

const LIFECYCLE = 'dist/services/lifecycle/src/main.js';

let database: TestDatabase;
const processes: SpawnedProcess[] = [];
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await Promise.all(processes.splice(0).map((child) => child.kill()));
  await database.drop();
});

describe('lifecycle service process', () => {
  it('runs every job at start, serves /healthz and /metrics, and drains on SIGTERM; a bad retention setting stops it naming the variable', async () => {
    const port = await freePort();
    const prefix = uniqueName('lifecycle').toLowerCase();
    const env = {
      AUTHLOG_MYSQL_URL: database.url,
      AUTHLOG_KAFKA_BROKERS: testSettings.AUTHLOG_KAFKA_BROKERS.join(','),
      AUTHLOG_ES_URL: testSettings.AUTHLOG_ES_URL,
      OPS_PORT: String(port),
      LIFECYCLE_INDEX_PREFIX: prefix,
      LIFECYCLE_EVENTS_TOPIC: uniqueName('lifecycle-missing'),
      LIFECYCLE_DLQ_TOPICS: uniqueName('lifecycle-missing'),
      LOG_LEVEL: 'info',
    };
    const child = new SpawnedProcess(LIFECYCLE, env);
    processes.push(child);
    await waitFor('a run of every job', async () => Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM lifecycle_job_runs`.execute(database.db)).rows[0]?.n) >= 6, 60_000, 200);
    const runs = await sql<{ job_name: string; status: string }>`SELECT job_name, status FROM lifecycle_job_runs ORDER BY id`.execute(database.db);
    expect(runs.rows.map((run) => [run.job_name, run.status])).toEqual([
      ['authlog-partitions', 'ok'],
      ['authlog-txids', 'ok'],
      ['elasticsearch-indices', 'ok'],
      ['webhook-log', 'ok'],
      ['kafka-topic-retention', 'ok'],
      ['audit-log', 'ok'],
    ]);
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', state: 'RUNNING' });
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/lifecycle_job_runs_total\{job="authlog-partitions",status="ok",service="lifecycle"\} 1/);
    expect(metrics).toMatch(/lifecycle_authlog_rows_dropped_total\{service="lifecycle"\} 0/);
    child.signal('SIGTERM');
    expect((await child.exited).code).toBe(0);

    const bad = new SpawnedProcess(LIFECYCLE, { ...env, RETENTION_WEBHOOK_DAYS: '0' });
    processes.push(bad);
    expect((await bad.exited).code).toBe(2);
    expect(bad.stderr + bad.lines.join('\n')).toMatch(/RETENTION_WEBHOOK_DAYS/);
  });
});
