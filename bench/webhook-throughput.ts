import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Partitioners } from 'kafkajs';
import type { Kysely } from 'kysely';
import { createScratchDatabase, type ScratchDatabase } from '../testing/scratch-database.js';
import { parseAuthEvent } from '../shared/event/parse-auth-event.js';
import { eventAttributes, toKafkaMessage } from '../shared/kafka/cloud-event.js';
import { createKafka } from '../shared/kafka/create-kafka.js';
import { ensureTopic } from '../shared/kafka/topics.js';
import { silentLogger } from '../shared/log/logger.js';
import { AuthSimulator } from '../shared/simulation/auth-simulator.js';
import { NO_FILTERS } from '../shared/webhooks/endpoint-filters.js';
import { EndpointStore } from '../shared/webhooks/endpoint-store.js';
import { webhookBody } from '../shared/webhooks/webhook-payload.js';
import type { WebhooksDatabase } from '../shared/webhooks/webhook-tables.js';
import { DISPATCHER_MAIN } from './support/bench-scripts.js';
import { SpawnedProcess } from '../testing/spawned-process.js';
import { processCpuSeconds, stackPid } from './indexer-support/cpu-time.js';
import type { Bench } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { round } from './support/stats.js';
import { deleteRedisKeys } from '../testing/redis-keys.js';
import { BenchReceivers, throughputOf } from './webhook-support/bench-receivers.js';
import { benchDispatcherEnv } from './webhook-support/dispatcher-env.js';
import { mysqlPid } from './webhook-support/mysql-pid.js';
import { warmUpReceivers } from './webhook-support/warm-up-receivers.js';
import { kafkaConnection } from '../shared/kafka/kafka-connection.js';
import { mysqlConnection } from '../shared/db/mysql-connection.js';
import { KeyRing } from '../shared/crypto/key-ring.js';

/**
 * webhook-throughput: 50,000 events (quick: 10,000) produced straight into a fresh Kafka topic,
 * each fanned out to 3 local endpoints (10 accounts x 3 endpoints on 3 receiver servers), through
 * the built dispatcher (fan-out, first attempts in process: signing, undici, attempt log in MySQL,
 * settled markers in Redis; BullMQ for what must wait).
 * Baselines, same run, same receivers, same number of requests and connections per receiver
 * (64, so at most 192 requests in flight for either), measured twice: a bare BullMQ worker
 * (concurrency 200) POSTing jobs with undici and nothing else:
 *  - preloaded: every job is in Redis before the worker starts (delivery alone);
 *  - enqueueing: the bare process adds the jobs itself (addBulk, 1,000 at a time) while its worker
 *    runs, as any pipeline must.
 * The receivers (in this process) are warmed up before the first phase, so no phase pays their JIT
 * warm-up; each process under test starts cold, alike. Deliveries/s is counted from the first to the
 * last delivery at the receivers; the figures also give the median of full one-second windows, CPU
 * seconds per 1,000 deliveries of the process under test and of the stack's Redis (the goal), and,
 * beside them, of MySQL and the Kafka broker (shared with whatever else runs: indicative). Goals
 * (issue 12): `ratio_vs_bare_preloaded` >= 1.0 and `cpu_ratio_vs_bare` (dispatcher + Redis CPU per
 * delivery over the preloaded bare loop's) <= 1.0.
 */
const ACCOUNTS = 10;
const ENDPOINTS_PER_EVENT = 3;
const CONCURRENCY = 200;
const BARE_LOOP = 'dist/bench/webhook-support/bare-loop.js';
const WARM_UP_REQUESTS = 10_000;

interface Phase {
  readonly perSecond: number;
  readonly medianWindowPerSecond: number;
  readonly seconds: number;
  readonly duplicates: number;
  readonly complete: boolean;
  readonly cpuSecondsPer1000: number | null;
  /** CPU of the stack's Redis per 1,000 deliveries during the phase (Redis is single-threaded). */
  readonly redisCpuSecondsPer1000: number | null;
  /** CPU of the MySQL server per 1,000 deliveries (the attempt log); not part of the goal, shown beside it. */
  readonly mysqlCpuSecondsPer1000: number | null;
  /** CPU of the stack's Kafka broker per 1,000 deliveries (the dispatcher's fetches); not part of the goal either. */
  readonly kafkaCpuSecondsPer1000: number | null;
}

export const webhookThroughput: Bench = async ({ quick, log }) => {
  const events = quick ? 10_000 : 50_000;
  const deliveries = events * ENDPOINTS_PER_EVENT;
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  // Signing secrets are stored encrypted; the dispatcher decrypts them once per cache fill.
  const encryptionKeys = KeyRing.generateEntry('bench');
  const receivers = await BenchReceivers.start(ENDPOINTS_PER_EVENT);
  const scratch = await createScratchDatabase({ server: mysqlConnection(benchSettings), prefix: 'authlog_bench', connectionLimit: 4 });
  const kafka = createKafka({ clientId: 'bench-webhooks', connection: kafkaConnection(benchSettings), logger: silentLogger });
  const topic = `bench-webhooks-${run}`;
  const prefixes = { subject: `bench-wh-${run}`, bare: `bench-bare-${run}` };
  let preloaded: Phase | undefined;
  let enqueueing: Phase | undefined;
  let subject: Phase | undefined;
  let attemptRows = 0;
  const jobsDir = mkdtempSync(join(tmpdir(), 'bench-webhooks-'));
  try {
    // Endpoints first: an endpoint receives only events committed after its creation.
    const urls = await createEndpoints(scratch, receivers.ports, run, encryptionKeys);
    const mysql = await mysqlPid(scratch.db as unknown as Kysely<unknown>);
    const bodies = await produceEvents(kafka, topic, run, events, log);
    const jobs = bodies.flatMap((body, index) =>
      Array.from({ length: ENDPOINTS_PER_EVENT }, (_, endpoint) => ({ url: urls[(index % ACCOUNTS) * ENDPOINTS_PER_EVENT + endpoint]!, id: `m${index}`, body })),
    );

    // Every phase meets receivers already warm (their JIT), not only the ones after the first.
    await warmUpReceivers(receivers, WARM_UP_REQUESTS);
    log(`baseline (preloaded): bare BullMQ + undici loop, ${deliveries} queued requests, concurrency ${CONCURRENCY}`);
    preloaded = await bareLoopPhase(receivers, jobs, `${prefixes.bare}-a`, deliveries, undefined, mysql, log);
    log(`baseline (preloaded): ${round(preloaded.perSecond)} deliveries/s`);

    receivers.reset();
    const jobsFile = join(jobsDir, 'jobs.json');
    writeFileSync(jobsFile, JSON.stringify(jobs));
    log(`baseline (enqueueing): the bare loop adds its ${deliveries} jobs itself while delivering`);
    enqueueing = await bareLoopPhase(receivers, jobs, `${prefixes.bare}-b`, deliveries, jobsFile, mysql, log);
    log(`baseline (enqueueing): ${round(enqueueing.perSecond)} deliveries/s`);

    receivers.reset();
    log(`subject: the dispatcher, ${events} events x ${ENDPOINTS_PER_EVENT} endpoints`);
    subject = await dispatcherPhase(receivers, scratch, topic, prefixes.subject, encryptionKeys, deliveries, mysql, log);
    log(`subject: ${round(subject.perSecond)} deliveries/s`);
    attemptRows = Number(
      (await (scratch.db as unknown as Kysely<WebhooksDatabase>).selectFrom('webhook_attempts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0,
    );
  } finally {
    await receivers.close();
    const admin = kafka.admin();
    await admin.connect();
    const mine = (await admin.listTopics()).filter((name) => name.startsWith(topic));
    if (mine.length > 0) await admin.deleteTopics({ topics: mine });
    await admin.deleteGroups([`${prefixes.subject}-group`]).catch(() => undefined);
    await admin.disconnect();
    await deleteRedisKeys(benchSettings.AUTHLOG_REDIS_URL, prefixes.subject);
    await deleteRedisKeys(benchSettings.AUTHLOG_REDIS_URL, `${prefixes.bare}-a`);
    await deleteRedisKeys(benchSettings.AUTHLOG_REDIS_URL, `${prefixes.bare}-b`);
    await scratch.drop();
    rmSync(jobsDir, { recursive: true, force: true });
  }
  const ratio = subject.perSecond / preloaded.perSecond;
  const enqueueingRatio = subject.perSecond / enqueueing.perSecond;
  // CPU per delivery of the process under test plus the stack's Redis (the cost the design moves).
  const cpuOf = (phase: Phase) => (phase.cpuSecondsPer1000 === null || phase.redisCpuSecondsPer1000 === null ? null : phase.cpuSecondsPer1000 + phase.redisCpuSecondsPer1000);
  const subjectCpu = cpuOf(subject);
  const bareCpu = cpuOf(preloaded);
  const cpuRatio = subjectCpu === null || bareCpu === null || bareCpu === 0 ? null : subjectCpu / bareCpu;
  const valid = subject.complete && attemptRows >= deliveries;
  return {
    events,
    deliveries,
    concurrency: CONCURRENCY,
    dispatcher_per_s: round(subject.perSecond),
    dispatcher_median_window_per_s: round(subject.medianWindowPerSecond),
    dispatcher_seconds: round(subject.seconds),
    dispatcher_duplicates: subject.duplicates,
    dispatcher_complete: subject.complete,
    dispatcher_cpu_s_per_1000: subject.cpuSecondsPer1000 === null ? null : round(subject.cpuSecondsPer1000),
    dispatcher_attempt_rows: attemptRows,
    dispatcher_redis_cpu_s_per_1000: subject.redisCpuSecondsPer1000 === null ? null : round(subject.redisCpuSecondsPer1000),
    dispatcher_mysql_cpu_s_per_1000: subject.mysqlCpuSecondsPer1000 === null ? null : round(subject.mysqlCpuSecondsPer1000),
    dispatcher_kafka_cpu_s_per_1000: subject.kafkaCpuSecondsPer1000 === null ? null : round(subject.kafkaCpuSecondsPer1000),
    bare_preloaded_per_s: round(preloaded.perSecond),
    bare_preloaded_median_window_per_s: round(preloaded.medianWindowPerSecond),
    bare_preloaded_cpu_s_per_1000: preloaded.cpuSecondsPer1000 === null ? null : round(preloaded.cpuSecondsPer1000),
    bare_preloaded_redis_cpu_s_per_1000: preloaded.redisCpuSecondsPer1000 === null ? null : round(preloaded.redisCpuSecondsPer1000),
    bare_preloaded_mysql_cpu_s_per_1000: preloaded.mysqlCpuSecondsPer1000 === null ? null : round(preloaded.mysqlCpuSecondsPer1000),
    bare_preloaded_kafka_cpu_s_per_1000: preloaded.kafkaCpuSecondsPer1000 === null ? null : round(preloaded.kafkaCpuSecondsPer1000),
    bare_enqueueing_per_s: round(enqueueing.perSecond),
    bare_enqueueing_median_window_per_s: round(enqueueing.medianWindowPerSecond),
    bare_enqueueing_cpu_s_per_1000: enqueueing.cpuSecondsPer1000 === null ? null : round(enqueueing.cpuSecondsPer1000),
    bare_enqueueing_redis_cpu_s_per_1000: enqueueing.redisCpuSecondsPer1000 === null ? null : round(enqueueing.redisCpuSecondsPer1000),
    ratio_vs_bare_preloaded: round(ratio),
    median_window_ratio_vs_preloaded: round(subject.medianWindowPerSecond / preloaded.medianWindowPerSecond),
    ratio_vs_enqueueing: round(enqueueingRatio),
    median_window_ratio_vs_enqueueing: round(subject.medianWindowPerSecond / enqueueing.medianWindowPerSecond),
    cpu_ratio_vs_bare: cpuRatio === null ? null : round(cpuRatio),
    goal_ratio: 1.0,
    goal_cpu_ratio: 1.0,
    meets_goal_throughput: ratio >= 1.0 && valid,
    meets_goal_cpu: cpuRatio !== null && cpuRatio <= 1.0 && valid,
  };
};

export default webhookThroughput;

/** Realistic events for ACCOUNTS accounts, produced as the relay does; returns one webhook body per event. */
async function produceEvents(kafka: ReturnType<typeof createKafka>, topic: string, run: string, count: number, log: (message: string) => void): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopic(admin, topic, { partitions: 8 });
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const simulator = new AuthSimulator({ accounts: ACCOUNTS, usersPerAccount: 1_000, seed: 31, accountPrefix: `wh_${run}_` });
  const bodies: string[] = [];
  try {
    for (let start = 0; start < count; start += 1_000) {
      const batch = Array.from({ length: Math.min(1_000, count - start) }, () => parseAuthEvent(simulator.next(new Date())));
      await producer.send({
        topic,
        acks: -1,
        messages: batch.map((event) => {
          const json = JSON.stringify(event);
          const attributes = eventAttributes(event);
          bodies.push(webhookBody(attributes.type, event.timestamp, json));
          return toKafkaMessage(attributes, json);
        }),
      });
    }
  } finally {
    await producer.disconnect();
  }
  log(`produced ${count} events into ${topic}`);
  return bodies;
}

/** ENDPOINTS_PER_EVENT endpoints per account, one on each receiver server; returns their URLs. */
async function createEndpoints(scratch: ScratchDatabase, ports: readonly number[], run: string, encryptionKeys: string): Promise<string[]> {
  const store = new EndpointStore(scratch.db as unknown as Kysely<WebhooksDatabase>, KeyRing.parse(encryptionKeys));
  const urls: string[] = [];
  for (const accountId of new AuthSimulator({ accounts: ACCOUNTS, usersPerAccount: 1, accountPrefix: `wh_${run}_` }).accountIds()) {
    for (const port of ports) {
      const url = `http://127.0.0.1:${port}/${accountId}`;
      await store.create(accountId, { url, description: 'bench', filters: NO_FILTERS, rateLimitPerSecond: null, maxConcurrency: 50 });
      urls.push(url);
    }
  }
  return urls;
}

async function bareLoopPhase(
  receivers: BenchReceivers,
  jobs: readonly { url: string; id: string; body: string }[],
  prefix: string,
  deliveries: number,
  jobsFile: string | undefined,
  mysql: number | undefined,
  log: (message: string) => void,
): Promise<Phase> {
  if (jobsFile === undefined) {
    const redis = new Redis(benchSettings.AUTHLOG_REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue('bare', { connection: redis, prefix });
    try {
      for (let start = 0; start < jobs.length; start += 1_000) {
        await queue.addBulk(jobs.slice(start, start + 1_000).map((data) => ({ name: 'deliver', data, opts: { removeOnComplete: true, attempts: 8 } })));
      }
    } finally {
      await queue.close();
      // BullMQ leaves a connection it was given open; left connected, it kept `npm run bench` alive.
      redis.disconnect();
    }
  }
  const child = new SpawnedProcess(BARE_LOOP, {
    BARE_REDIS_URL: benchSettings.AUTHLOG_REDIS_URL,
    BARE_PREFIX: prefix,
    BARE_QUEUE: 'bare',
    BARE_CONCURRENCY: String(CONCURRENCY),
    ...(jobsFile === undefined ? {} : { BARE_JOBS_FILE: jobsFile }),
  });
  try {
    await child.waitForLog('bare loop running');
    return await measurePhase(receivers, deliveries, child.pid, mysql, log);
  } finally {
    await child.stop();
    await child.kill();
  }
}

async function dispatcherPhase(
  receivers: BenchReceivers,
  scratch: ScratchDatabase,
  topic: string,
  prefix: string,
  encryptionKeys: string,
  deliveries: number,
  mysql: number | undefined,
  log: (message: string) => void,
): Promise<Phase> {
  const child = new SpawnedProcess(DISPATCHER_MAIN, { ...benchDispatcherEnv(scratch.url, topic, prefix, encryptionKeys), WEBHOOK_CONCURRENCY: String(CONCURRENCY) });
  try {
    await child.waitForLog('dispatching webhooks');
    return await measurePhase(receivers, deliveries, child.pid, mysql, log);
  } finally {
    await child.stop();
    // How the first attempts ended and what went to BullMQ, by reason (logged by the dispatcher at stop).
    const summary = await child.waitForLog('first attempts stopped', 2_000).catch(() => undefined);
    if (summary !== undefined) log(`dispatcher first attempts: ${JSON.stringify(summary)}`);
    await child.kill();
  }
}

async function measurePhase(receivers: BenchReceivers, deliveries: number, pid: number | undefined, mysql: number | undefined, log: (message: string) => void): Promise<Phase> {
  const [redisPid, kafkaPid] = [stackPid('redis'), stackPid('kafka')];
  const cpu = () => ({ own: processCpuSeconds(pid), redis: processCpuSeconds(redisPid), mysql: processCpuSeconds(mysql), kafka: processCpuSeconds(kafkaPid) });
  const before = cpu();
  const complete = await receivers.waitFor(deliveries, 600_000, log);
  const after = cpu();
  const per1000 = (start: number | null, end: number | null) => (start === null || end === null ? null : ((end - start) / Math.max(1, receivers.delivered)) * 1000);
  return {
    ...throughputOf(receivers.arrivals),
    duplicates: receivers.duplicates,
    complete,
    cpuSecondsPer1000: per1000(before.own, after.own),
    redisCpuSecondsPer1000: per1000(before.redis, after.redis),
    mysqlCpuSecondsPer1000: per1000(before.mysql, after.mysql),
    kafkaCpuSecondsPer1000: per1000(before.kafka, after.kafka),
  };
}
