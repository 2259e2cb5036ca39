import { randomBytes } from 'node:crypto';
import { Partitioners, type Admin, type Kafka } from 'kafkajs';
import { createScratchDatabase } from '../testing/scratch-database.js';
import { createKafka } from '../shared/kafka/create-kafka.js';
import { ensureTopic } from '../shared/kafka/topics.js';
import { silentLogger } from '../shared/log/logger.js';
import { chunksOf, partitionerFor } from '../services/relay/src/event-publisher.js';
import { fillOutbox, messageOf, simulatedRows } from './relay-support/fill-outbox.js';
import { SpawnedProcess } from '../testing/spawned-process.js';
import { RELAY_MAIN } from './support/bench-scripts.js';
import { processCpuSeconds } from './indexer-support/cpu-time.js';
import type { Bench } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { round } from './support/stats.js';
import { kafkaConnection } from '../shared/kafka/kafka-connection.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';

/**
 * relay-drain: 1,000,000 outbox rows (200,000 with --quick) with realistic payloads are inserted
 * first (multi-row INSERTs). Then, side by side:
 *   (a) ceiling: a bare kafkajs producer, configured as the relay's (idempotent, acks=all, one
 *       request in flight, Java partitioner, same request size bounds), sends the same messages
 *       (same keys, CloudEvents headers and value bytes) to a fresh topic; only send() is timed;
 *   (b) subject: the built relay process (defaults) drains the outbox into another fresh topic,
 *       timed from "relay running" until the topic holds every row.
 * (a) runs before and after (b); the ceiling is their mean. Reports events/s, the ratio b/a
 * (goal >= 0.6, and b >= 20,000/s), CPU seconds of the relay per 100k events, and duplicates.
 */
const PARTITIONS = 12;
const BATCH = 4000;
const LIMITS = { maxRequestBytes: 16_000_000, maxPartitionBytes: 900_000 };

export const relayDrain: Bench = async ({ quick, log }) => {
  const total = quick ? 200_000 : 1_000_000;
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const kafka = createKafka({ clientId: 'bench-relay-drain', connection: kafkaConnection(benchSettings), logger: silentLogger });
  const scratch = await createScratchDatabase({ server: mysqlConnection(benchSettings), prefix: 'authlog_bench_relay', connectionLimit: 4 });
  const topics: string[] = [];
  const admin = kafka.admin();
  await admin.connect();
  const freshTopic = async (name: string) => {
    const topic = `bench-relay-drain-${name}-${run}`;
    await ensureTopic(admin, topic, { partitions: PARTITIONS });
    topics.push(topic);
    return topic;
  };
  try {
    log(`filling the outbox with ${total} rows`);
    const fillStarted = performance.now();
    await fillOutbox(scratch.pool.promise(), total, log);
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    log(`  filled in ${round(fillSeconds)} s`);

    const bare: number[] = [];
    bare.push(await bareProducer(kafka, await freshTopic('bare1'), total));
    log(`bare producer: ${round(bare[0]!)} events/s`);

    const relayTopic = await freshTopic('relay');
    const relay = new SpawnedProcess(RELAY_MAIN, {
      OPS_PORT: '0',
      LOG_LEVEL: 'info',
      AUTHLOG_MYSQL_URL: scratch.url,
      AUTHLOG_KAFKA_BROKERS: benchSettings.AUTHLOG_KAFKA_BROKERS.join(','),
      RELAY_TOPIC: relayTopic,
      RELAY_BATCH_SIZE: String(BATCH),
      RELAY_MAX_REQUEST_BYTES: String(LIMITS.maxRequestBytes),
      RELAY_MAX_PARTITION_BYTES: String(LIMITS.maxPartitionBytes),
      RELAY_STATS_INTERVAL_MS: '60000',
    });
    await relay.waitForLog('relay running');
    const at = performance.now();
    const cpuBefore = processCpuSeconds(relay.pid);
    let published = 0;
    while (published < total) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      published = await topicSize(admin, relayTopic);
      if (!relay.running) throw new Error(`relay exited with ${(await relay.exited).code}: ${relay.stderr}`);
    }
    const relaySeconds = (performance.now() - at) / 1000;
    const relayCpu = (processCpuSeconds(relay.pid) ?? Number.NaN) - (cpuBefore ?? Number.NaN);
    const exitCode = await relay.stop();
    const left = await scratch.pool.promise().query('SELECT COUNT(*) AS n FROM outbox');
    const leftRows = Number((left[0] as { n: number }[])[0]?.n ?? -1);
    const relayRate = total / relaySeconds;
    log(`relay: ${round(relayRate)} events/s (${round(relaySeconds)} s), exit ${exitCode}, ${leftRows} rows left`);

    bare.push(await bareProducer(kafka, await freshTopic('bare2'), total));
    log(`bare producer again: ${round(bare[1]!)} events/s`);
    const ceiling = bare.reduce((sum, rate) => sum + rate, 0) / bare.length;
    return {
      events: total,
      relay_events_per_s: round(relayRate),
      bare_producer_events_per_s: round(ceiling),
      ratio: round(relayRate / ceiling),
      goal_events_per_s: 20_000,
      goal_ratio: 0.6,
      bare_runs_events_per_s: bare.map((rate) => round(rate)).join(' '),
      relay_cpu_s_per_100k: round((relayCpu / total) * 100_000),
      duplicates: (await topicSize(admin, relayTopic)) - total,
      rows_left: leftRows,
      relay_exit_code: exitCode,
      fill_rows_per_s: round(total / fillSeconds),
      batch_size: BATCH,
      partitions: PARTITIONS,
    };
  } finally {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await scratch.drop();
  }
};

export default relayDrain;

/** Sends every message the relay would send, in batches as the relay does; returns events/s of send() alone. */
async function bareProducer(kafka: Kafka, topic: string, total: number): Promise<number> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();
  const partitionOf = partitionerFor(PARTITIONS);
  let sendMs = 0;
  try {
    for (const rows of simulatedRows(total, BATCH)) {
      const messages = rows.map(messageOf);
      const started = performance.now();
      for (const chunk of chunksOf(messages, LIMITS, partitionOf)) await producer.send({ topic, acks: -1, messages: chunk });
      sendMs += performance.now() - started;
    }
  } finally {
    await producer.disconnect();
  }
  return total / (sendMs / 1000);
}

async function topicSize(admin: Admin, topic: string): Promise<number> {
  return (await admin.fetchTopicOffsets(topic)).reduce((sum, entry) => sum + Number(entry.high), 0);
}
