import { randomBytes } from 'node:crypto';
import { Partitioners, type Consumer, type Kafka } from 'kafkajs';
import { createScratchDatabase } from '../testing/scratch-database.js';
import type { AuthEventInput } from '../shared/event/auth-event-schema.js';
import { parseAuthEvent } from '../shared/event/parse-auth-event.js';
import { eventAttributes, toKafkaMessage } from '../shared/kafka/cloud-event.js';
import { createKafka } from '../shared/kafka/create-kafka.js';
import { ensureTopic } from '../shared/kafka/topics.js';
import { silentLogger } from '../shared/log/logger.js';
import { OutboxWriter } from '../shared/outbox/outbox-writer.js';
import { AuthSimulator } from '../shared/simulation/auth-simulator.js';
import { SpawnedProcess } from '../testing/spawned-process.js';
import { RELAY_MAIN } from './support/bench-scripts.js';
import type { Bench } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { quantile, round } from './support/stats.js';
import { kafkaConnection } from '../shared/kafka/kafka-connection.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';

/**
 * relay-latency: logins commit at a steady 2,000/s through OutboxWriter.record (16 concurrent
 * writers, each event on its own schedule slot) for 60 s (10 s with --quick), and a consumer in
 * this process notes when each event arrives. Latency = arrival - commit (record() resolved), so it
 * includes Kafka's fetch path: an upper bound of commit-to-acknowledgement.
 *   (b) subject: the built relay process (defaults: adaptive poll 5-100 ms) publishes the outbox;
 *   (a) baseline: the same writers, each sending its event to Kafka itself right after the commit
 *       (the "dual write" an outbox replaces), measured the same way.
 * Reports p50/p99/max of each and the achieved commit rate; the goal is relay p99 <= 200 ms.
 */
const RATE = 2000;
const WRITERS = 16;
const PARTITIONS = 12;

interface Phase {
  readonly latencies: number[];
  readonly commitsPerSecond: number;
  readonly lost: number;
}

export const relayLatency: Bench = async ({ quick, log }) => {
  const seconds = quick ? 10 : 60;
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const kafka = createKafka({ clientId: 'bench-relay-latency', connection: kafkaConnection(benchSettings), logger: silentLogger });
  const scratch = await createScratchDatabase({ server: mysqlConnection(benchSettings), prefix: 'authlog_bench_relay', connectionLimit: WRITERS + 2 });
  const admin = kafka.admin();
  await admin.connect();
  const topics = [`bench-relay-latency-direct-${run}`, `bench-relay-latency-relay-${run}`];
  for (const topic of topics) await ensureTopic(admin, topic, { partitions: PARTITIONS });
  const writer = new OutboxWriter(scratch.db);
  try {
    // (a) baseline: commit, then send it yourself.
    // Not idempotent: 16 writers send concurrently, which kafkajs' idempotent producer does not support.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const direct = await phase(kafka, topics[0]!, seconds, 1, async (event) => {
      await writer.record(event);
      return async () => {
        const checked = parseAuthEvent(event);
        await producer.send({
          topic: topics[0]!,
          acks: -1,
          messages: [
            toKafkaMessage(eventAttributes(checked), JSON.stringify(checked)),
          ],
        });
      };
    });
    await producer.disconnect();
    log(`direct produce after commit: p50 ${round(quantile(direct.latencies, 0.5))} ms, p99 ${round(quantile(direct.latencies, 0.99))} ms`);
    await scratch.pool.promise().query('DELETE FROM outbox');

    // (b) subject: the relay process publishes what the writers commit.
    const relay = new SpawnedProcess(RELAY_MAIN, {
      OPS_PORT: '0',
      LOG_LEVEL: 'info',
      AUTHLOG_MYSQL_URL: scratch.url,
      AUTHLOG_KAFKA_BROKERS: benchSettings.AUTHLOG_KAFKA_BROKERS.join(','),
      RELAY_TOPIC: topics[1]!,
    });
    await relay.waitForLog('relay running');
    let relayed: Phase;
    try {
      relayed = await phase(kafka, topics[1]!, seconds, 2, async (event) => {
        await writer.record(event);
        return undefined;
      });
    } finally {
      await relay.stop();
    }
    log(`relay: p50 ${round(quantile(relayed.latencies, 0.5))} ms, p99 ${round(quantile(relayed.latencies, 0.99))} ms`);
    return {
      target_commits_per_s: RATE,
      seconds,
      relay_commits_per_s: round(relayed.commitsPerSecond),
      relay_p50_ms: round(quantile(relayed.latencies, 0.5)),
      relay_p99_ms: round(quantile(relayed.latencies, 0.99)),
      relay_max_ms: round(Math.max(...relayed.latencies)),
      relay_missing: relayed.lost,
      goal_p99_ms: 200,
      direct_commits_per_s: round(direct.commitsPerSecond),
      direct_p50_ms: round(quantile(direct.latencies, 0.5)),
      direct_p99_ms: round(quantile(direct.latencies, 0.99)),
      p99_ratio_relay_to_direct: round(quantile(relayed.latencies, 0.99) / quantile(direct.latencies, 0.99)),
    };
  } finally {
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.disconnect();
    await scratch.drop();
  }
};

export default relayLatency;

/**
 * Runs the writers at RATE for `seconds` and collects arrival - commit per event from `topic`.
 * `commit` records one event and may return a follow-up (the direct send), not part of the commit.
 */
async function phase(kafka: Kafka, topic: string, seconds: number, seed: number, commit: (event: AuthEventInput) => Promise<(() => Promise<void>) | undefined>): Promise<Phase> {
  const committedAt = new Map<string, number>();
  const arrivedAt = new Map<string, number>();
  const consumer = await startConsumer(kafka, topic, arrivedAt);
  const simulator = new AuthSimulator({ accounts: 500, usersPerAccount: 200, seed: seed * 7919 + Date.now() % 1000 });
  const total = RATE * seconds;
  const started = performance.now();
  let next = 0;
  const writerLoop = async () => {
    for (;;) {
      const slot = next;
      if (slot >= total) return;
      next += 1;
      const due = started + (slot * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const event = simulator.next();
      const followUp = await commit(event);
      committedAt.set(String(event.txid), Date.now());
      await followUp?.();
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writerLoop));
  const commitsPerSecond = total / ((performance.now() - started) / 1000);
  const deadline = Date.now() + 30_000;
  while (arrivedAt.size < committedAt.size && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  await consumer.disconnect();
  const latencies: number[] = [];
  for (const [id, at] of committedAt) {
    const arrived = arrivedAt.get(id);
    if (arrived !== undefined) latencies.push(Math.max(0, arrived - at));
  }
  return { latencies, commitsPerSecond, lost: committedAt.size - latencies.length };
}

async function startConsumer(kafka: Kafka, topic: string, arrivedAt: Map<string, number>): Promise<Consumer> {
  const consumer = kafka.consumer({ groupId: `${topic}-reader`, maxWaitTimeInMs: 20, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let assigned!: () => void;
  const ready = new Promise<void>((resolve) => (assigned = resolve));
  consumer.on(consumer.events.GROUP_JOIN, () => assigned());
  await consumer.run({
    eachBatch: async ({ batch }) => {
      const now = Date.now();
      for (const message of batch.messages) {
        const id = message.headers?.ce_id?.toString();
        if (id !== undefined && !arrivedAt.has(id)) arrivedAt.set(id, now);
      }
    },
  });
  await ready;
  return consumer;
}
