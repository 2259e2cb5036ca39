import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import { sql, type Kysely } from 'kysely';
import type { AuthlogDatabase } from '../../../shared/db/database.js';
import type { EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { ensureTopic } from '../../../shared/kafka/topics.js';
import { testSettings } from '../../support/settings.js';
import { uniqueName } from '../../support/unique-name.js';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const RELAY = resolve(ROOT, 'dist/services/relay/src/main.js');
const INDEXER = resolve(ROOT, 'dist/services/indexer/src/main.js');

/**
 * The swappable loading step, through the real pipeline: the relay (outbox -> Kafka) and the
 * indexer (Kafka -> Elasticsearch) run as child processes from dist/ (npm run build) on a topic,
 * consumer group and index prefix of this test, until every authlog row of the database is
 * searchable; then both are stopped with SIGTERM and the topics deleted.
 */
export async function loadThroughPipeline(db: Kysely<AuthlogDatabase>, elasticsearch: Client, names: EventIndexNames, options: { databaseUrl: string; timeoutMs?: number }): Promise<void> {
  for (const main of [RELAY, INDEXER]) if (!existsSync(main)) throw new Error(`${main} is missing: run "npm run build" first`);
  const topic = uniqueName('reports-events');
  const deadLetters = `${topic}-dlq`;
  const kafka = createKafka({ clientId: 'reports-tests', connection: kafkaConnection(testSettings), logger: silentLogger });
  const admin = kafka.admin();
  await admin.connect();
  const children: ChildProcess[] = [];
  try {
    await ensureTopic(admin, topic, { partitions: 4 });
    await ensureTopic(admin, deadLetters, { partitions: 1 });
    const common = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', OPS_PORT: '0', AUTHLOG_KAFKA_BROKERS: testSettings.AUTHLOG_KAFKA_BROKERS.join(',') };
    children.push(start(RELAY, { ...common, AUTHLOG_MYSQL_URL: options.databaseUrl, RELAY_TOPIC: topic, RELAY_INSTANCE_NAME: 'reports-test' }));
    children.push(
      start(INDEXER, {
        ...common,
        AUTHLOG_ES_URL: testSettings.AUTHLOG_ES_URL,
        INDEXER_TOPIC: topic,
        INDEXER_DLQ_TOPIC: deadLetters,
        INDEXER_GROUP_ID: uniqueName('reports-indexer'),
        INDEXER_INDEX_PREFIX: names.prefix,
        INDEXER_SESSION_TIMEOUT_MS: '10000',
      }),
    );
    const expected = Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM authlog`.execute(db)).rows[0]?.n);
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    for (;;) {
      const exited = children.find((child) => child.exitCode !== null);
      if (exited !== undefined) throw new Error(`${exited.spawnargs[1]} exited with ${exited.exitCode} before the data was indexed`);
      await elasticsearch.indices.refresh({ index: names.pattern, ignore_unavailable: true, allow_no_indices: true });
      const count = await countIndexed(elasticsearch, names.alias);
      if (count === expected) break;
      if (count !== undefined && count > expected) throw new Error(`${count} documents for ${expected} authlog rows`);
      if (Date.now() > deadline) throw new Error(`only ${count ?? 'an unknown number'} of ${expected} events indexed in time`);
      await new Promise((done) => setTimeout(done, 500));
    }
  } finally {
    await Promise.all(children.map(stop));
    await admin.deleteTopics({ topics: [topic, deadLetters] }).catch(() => undefined);
    await admin.disconnect();
  }
}

/**
 * The indexer creates a monthly index while we poll; until its primary shard has started, a count
 * answers no_shard_available_action_exception. That is "not yet", not a failure.
 */
async function countIndexed(elasticsearch: Client, alias: string): Promise<number | undefined> {
  try {
    return (await elasticsearch.count({ index: alias, ignore_unavailable: true, allow_no_indices: true })).count;
  } catch (error) {
    if (JSON.stringify((error as { meta?: { body?: unknown } }).meta?.body ?? '').includes('no_shard_available_action_exception')) return undefined;
    throw error;
  }
}

function start(main: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  // Warnings and errors (LOG_LEVEL=warn) show up in the test output; the rest is dropped.
  child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk));
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}
