import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import type { Client } from '@elastic/elasticsearch';
import type { Admin } from 'kafkajs';
import { loadConfig } from '../shared/config/load-config.js';
import { createElasticsearch } from '../shared/elasticsearch/create-elasticsearch.js';
import { eventIndexNames, type EventIndexNames } from '../shared/elasticsearch/event-index.js';
import { ensureEventTemplate } from '../shared/elasticsearch/event-template.js';
import { createKafka } from '../shared/kafka/create-kafka.js';
import { ensureTopic } from '../shared/kafka/topics.js';
import { silentLogger } from '../shared/log/logger.js';
import { bulkBody, toBulkItem, type BulkItem, type KafkaPosition } from '../services/indexer/src/bulk-item.js';
import { createElasticsearchBodySender } from '../services/indexer/src/elasticsearch-bulk-sender.js';
import { indexerSettings } from '../services/indexer/src/indexer-settings.js';
import { INDEXER_MAIN } from './support/bench-scripts.js';
import { SpawnedProcess } from '../testing/spawned-process.js';
import { CpuMeter, stackPid } from './indexer-support/cpu-time.js';
import { countEventDocuments, deleteEventIndices } from './indexer-support/elasticsearch-cleanup.js';
import { produceEvents, simulatedEvents } from './indexer-support/event-stream.js';
import type { Bench } from './support/bench-context.js';
import { benchSettings } from './support/bench-settings.js';
import { median, round } from './support/stats.js';
import { kafkaConnection } from '../shared/kafka/kafka-connection.js';
import { elasticsearchConnection } from '../shared/elasticsearch/elasticsearch-connection.js';

/**
 * indexer-throughput: 500,000 events (100,000 with --quick) are produced to a fresh topic first.
 * Then, in alternating rounds on fresh index prefixes with the same template:
 *   (a) ceiling: a bare bulk loader sends the same documents straight to Elasticsearch, with the
 *       indexer's default bulk size and bulks in flight, every bulk body built beforehand;
 *   (b) consumer baseline: a bare kafkajs consumer process (indexer-support/bare-consumer.ts) of
 *       the same topic, values passed through untouched, feeding the indexer's bulk sender with
 *       the same bulk size, bulks in flight and ordered commits: what any Kafka consumer pays;
 *   (c) subject: the built indexer process (defaults) in a fresh consumer group.
 * (b) and (c) are timed from the moment they are assigned their partitions until the group's
 * committed offsets reach the end of the topic (a commit happens only after the bulk holding those
 * messages succeeded); their order alternates between rounds.
 * Reports docs/s of each (medians) and per round the ratios c/a (goal >= 0.8, issue 5) and c/b
 * (goal >= 0.9), and the indexer's process CPU per document over the bare consumer's (goal <= 1.5,
 * issue 15). Each round also runs (a) again with every document carrying its Kafka position
 * (`kafka`, what the indexer records for lineage, issue 17), in alternating order: Elasticsearch's
 * CPU per document and docs/s with it over without it (goal: within 5%). CPU microseconds per document of Elasticsearch, the broker and the consumer process
 * come from /proc: where all of them share two cores, the indexer's CPU is taken from Elasticsearch's.
 */
const PARTITIONS = 6;
/** The bare loader uses the indexer's own bulk size and bulks in flight (its defaults, or what the environment sets for both). */
const INDEXER_DEFAULTS = loadConfig(indexerSettings);
const BULK_DOCS = INDEXER_DEFAULTS.INDEXER_BATCH_MAX_DOCS;
const IN_FLIGHT = INDEXER_DEFAULTS.INDEXER_MAX_IN_FLIGHT_BULKS;
const BARE_CONSUMER = 'dist/bench/indexer-support/bare-consumer.js';

interface RoundResult {
  readonly docsPerSecond: number;
  readonly cpu: Record<string, number | null>;
}

interface Doc {
  readonly id: string;
  readonly routing: string;
  readonly timestamp: string;
  /** The event's JSON, as the value of its Kafka message. */
  readonly source: Buffer;
  readonly bytes: number;
  /** A Kafka position of the size the indexer writes (partition, offset, CreateTime), for the lineage rounds. */
  readonly position: KafkaPosition;
}

export const indexerThroughput: Bench = async ({ quick, log }) => {
  const total = quick ? 100_000 : 500_000;
  const rounds = 3;
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const topic = `bench-indexer-${run}`;
  const dlqTopic = `${topic}-dlq`;
  const kafka = createKafka({ clientId: 'bench-indexer', connection: kafkaConnection(benchSettings), logger: silentLogger });
  const es = createElasticsearch({ connection: elasticsearchConnection(benchSettings), requestTimeoutMs: 120_000 });
  const admin = kafka.admin();
  await admin.connect();
  const bare: RoundResult[] = [];
  const bareConsumer: RoundResult[] = [];
  const indexer: RoundResult[] = [];
  const bareWithPosition: RoundResult[] = [];
  try {
    await ensureTopic(admin, topic, { partitions: PARTITIONS });
    log(`producing ${total} events to ${topic} (${PARTITIONS} partitions)`);
    const docs: Doc[] = [];
    const scratch = eventIndexNames('scratch');
    const producedAt = String(Date.now());
    const produced = await produceEvents(
      kafka,
      topic,
      (function* () {
        for (const event of simulatedEvents(total)) {
          const item = toBulkItem(scratch, event, null);
          const partition = docs.length % PARTITIONS;
          const position = { partition, message: { offset: String(Math.floor(docs.length / PARTITIONS)), timestamp: producedAt } };
          docs.push({ id: item.id, routing: item.routing, timestamp: event.timestamp, source: Buffer.from(item.source), bytes: item.bytes, position });
          yield event;
        }
      })(),
    );
    log(`produced ${produced}`);

    for (let n = 0; n < rounds; n += 1) {
      // Lineage (issue 17): the same load with each document's Kafka position, order alternating.
      const plain = () => bareRound(es, docs, eventIndexNames(`bench-bare-${run}-${n}`), false);
      const positioned = () => bareRound(es, docs, eventIndexNames(`bench-barepos-${run}-${n}`), true);
      let bareResult: RoundResult;
      if (n % 2 === 0) {
        bareResult = await plain();
        bareWithPosition.push(await positioned());
      } else {
        bareWithPosition.push(await positioned());
        bareResult = await plain();
      }
      bare.push(bareResult);
      log(`round ${n + 1}: bare bulk loader ${Math.round(bareResult.docsPerSecond)} docs/s, CPU us/doc ${JSON.stringify(bareResult.cpu)}`);
      log(`round ${n + 1}: bare bulk loader with Kafka positions ${Math.round(bareWithPosition[n]!.docsPerSecond)} docs/s, CPU us/doc ${JSON.stringify(bareWithPosition[n]!.cpu)}`);
      const runConsumer = () => consumerRound(es, admin, BARE_CONSUMER, { topic, dlqTopic, total, groupId: `bench-bare-consumer-${run}-${n}`, names: eventIndexNames(`bench-bc-${run}-${n}`) });
      const runIndexer = () => consumerRound(es, admin, INDEXER_MAIN, { topic, dlqTopic, total, groupId: `bench-indexer-${run}-${n}`, names: eventIndexNames(`bench-idx-${run}-${n}`) });
      // Alternating which consumer goes first spreads the drift of a noisy machine over both.
      const consumerFirst = n % 2 === 0;
      const first = await (consumerFirst ? runConsumer() : runIndexer());
      const second = await (consumerFirst ? runIndexer() : runConsumer());
      const [consumerResult, indexerResult] = consumerFirst ? [first, second] : [second, first];
      bareConsumer.push(consumerResult);
      indexer.push(indexerResult);
      log(`round ${n + 1}: bare consumer ${Math.round(consumerResult.docsPerSecond)} docs/s, CPU us/doc ${JSON.stringify(consumerResult.cpu)}`);
      log(
        `round ${n + 1}: indexer ${Math.round(indexerResult.docsPerSecond)} docs/s (${round(indexerResult.docsPerSecond / bareResult.docsPerSecond)} of the bare loader, ${round(indexerResult.docsPerSecond / consumerResult.docsPerSecond)} of the bare consumer), CPU us/doc ${JSON.stringify(indexerResult.cpu)}`,
      );
    }
  } finally {
    const topics = (await admin.listTopics()).filter((name) => name === topic || name === dlqTopic);
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.disconnect();
    await es.close();
  }
  const ratios = indexer.map((result, n) => result.docsPerSecond / bare[n]!.docsPerSecond);
  const consumerRatios = indexer.map((result, n) => result.docsPerSecond / bareConsumer[n]!.docsPerSecond);
  const cpuRatios = indexer
    .map((result, n) => ({ subject: result.cpu.process, baseline: bareConsumer[n]!.cpu.process }))
    .filter((pair): pair is { subject: number; baseline: number } => typeof pair.subject === 'number' && typeof pair.baseline === 'number' && pair.baseline > 0)
    .map((pair) => pair.subject / pair.baseline);
  const cpuRatio = cpuRatios.length === 0 ? null : median(cpuRatios);
  const lineageEsCpu = bareWithPosition
    .map((result, n) => ({ subject: result.cpu.elasticsearch, baseline: bare[n]!.cpu.elasticsearch }))
    .filter((pair): pair is { subject: number; baseline: number } => typeof pair.subject === 'number' && typeof pair.baseline === 'number' && pair.baseline > 0)
    .map((pair) => pair.subject / pair.baseline);
  const lineageRates = bareWithPosition.map((result, n) => result.docsPerSecond / bare[n]!.docsPerSecond);
  const cpu = (results: RoundResult[], key: string) => {
    const values = results.map((result) => result.cpu[key]).filter((value): value is number => typeof value === 'number');
    return values.length === 0 ? null : round(median(values));
  };
  return {
    events: total,
    partitions: PARTITIONS,
    bulk_docs: BULK_DOCS,
    bulks_in_flight: IN_FLIGHT,
    rounds,
    bare_docs_per_s: round(median(bare.map((result) => result.docsPerSecond))),
    indexer_docs_per_s: round(median(indexer.map((result) => result.docsPerSecond))),
    ratio: round(median(ratios)),
    goal_ratio: 0.8,
    meets_goal: median(ratios) >= 0.8,
    bare_consumer_docs_per_s: round(median(bareConsumer.map((result) => result.docsPerSecond))),
    ratio_vs_bare_consumer: round(median(consumerRatios)),
    goal_ratio_vs_bare_consumer: 0.9,
    cpu_ratio_vs_bare_consumer: cpuRatio === null ? null : round(cpuRatio),
    goal_cpu_ratio_vs_bare_consumer: 1.5,
    meets_bare_consumer_goals: median(consumerRatios) >= 0.9 && cpuRatio !== null && cpuRatio <= 1.5,
    bare_runs: bare.map((result) => Math.round(result.docsPerSecond)).join(' '),
    bare_consumer_runs: bareConsumer.map((result) => Math.round(result.docsPerSecond)).join(' '),
    indexer_runs: indexer.map((result) => Math.round(result.docsPerSecond)).join(' '),
    bare_es_cpu_us_per_doc: cpu(bare, 'elasticsearch'),
    bare_loader_cpu_us_per_doc: cpu(bare, 'loader'),
    bare_consumer_es_cpu_us_per_doc: cpu(bareConsumer, 'elasticsearch'),
    bare_consumer_kafka_cpu_us_per_doc: cpu(bareConsumer, 'kafka'),
    bare_consumer_process_cpu_us_per_doc: cpu(bareConsumer, 'process'),
    indexer_es_cpu_us_per_doc: cpu(indexer, 'elasticsearch'),
    indexer_kafka_cpu_us_per_doc: cpu(indexer, 'kafka'),
    indexer_process_cpu_us_per_doc: cpu(indexer, 'process'),
    lineage_es_cpu_ratio: lineageEsCpu.length === 0 ? null : round(median(lineageEsCpu)),
    lineage_docs_per_s_ratio: round(median(lineageRates)),
    lineage_goal: 'Elasticsearch CPU per document within 1.05 and docs/s within 0.95 of the same documents without their Kafka position',
    bare_with_position_runs: bareWithPosition.map((result) => Math.round(result.docsPerSecond)).join(' '),
    bare_with_position_es_cpu_us_per_doc: cpu(bareWithPosition, 'elasticsearch'),
    load_average: loadavg().map((value) => round(value)).join(' '),
  };
};

export default indexerThroughput;

/**
 * The ceiling: NDJSON bodies built before the clock starts, sent straight to _bulk with the same bulk
 * size and concurrency as the indexer. Nothing per document happens while it is timed, so the
 * loader's own CPU (and its garbage collection over every document held in memory, which grew with
 * the run's size when bodies were built per request) takes next to nothing from Elasticsearch.
 */
async function bareRound(es: Client, docs: readonly Doc[], names: EventIndexNames, withPosition: boolean): Promise<RoundResult> {
  await ensureEventTemplate(es, names);
  try {
    const bodies: { body: Buffer; documents: number }[] = [];
    const now = new Date();
    for (let start = 0; start < docs.length; start += BULK_DOCS) {
      const items = docs.slice(start, start + BULK_DOCS).map((doc): BulkItem<null> => {
        const index = `${names.prefix}-events-${doc.timestamp.slice(0, 4)}.${doc.timestamp.slice(5, 7)}`;
        const item = { index, id: doc.id, routing: doc.routing, source: doc.source, bytes: doc.bytes, origin: null };
        return withPosition ? { ...item, position: doc.position } : item;
      });
      bodies.push({ body: bulkBody(items, now), documents: items.length });
    }
    const send = createElasticsearchBodySender(es, { timeoutMs: 120_000 });
    const esCpu = new CpuMeter(stackPid('elasticsearch'));
    const loaderCpu = process.cpuUsage();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < bodies.length) {
          const { body, documents } = bodies[next++]!;
          const outcomes = await send(body, documents);
          const failed = outcomes.find((outcome) => outcome.status !== 'indexed');
          if (failed !== undefined) throw new Error(`bare loader: a document was not indexed: ${JSON.stringify(failed)}`);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = { elasticsearch: esCpu.microsecondsPer(docs.length), loader: cpuMicroseconds(process.cpuUsage(loaderCpu)) / docs.length };
    const count = await countEventDocuments(es, names);
    if (count !== docs.length) throw new Error(`bare loader: ${count} documents instead of ${docs.length}`);
    return { docsPerSecond: docs.length / seconds, cpu };
  } finally {
    await deleteEventIndices(es, names);
  }
}

/** A consumer process (the built indexer or the bare consumer), from partition assignment to every offset committed. */
async function consumerRound(es: Client, admin: Admin, script: string, options: { topic: string; dlqTopic: string; total: number; groupId: string; names: EventIndexNames }): Promise<RoundResult> {
  const child = new SpawnedProcess(script, {
    AUTHLOG_KAFKA_BROKERS: benchSettings.AUTHLOG_KAFKA_BROKERS.join(','),
    AUTHLOG_ES_URL: benchSettings.AUTHLOG_ES_URL,
    INDEXER_TOPIC: options.topic,
    INDEXER_DLQ_TOPIC: options.dlqTopic,
    INDEXER_DLQ_PARTITIONS: '1',
    INDEXER_GROUP_ID: options.groupId,
    INDEXER_INDEX_PREFIX: options.names.prefix,
    INDEXER_LAG_INTERVAL_MS: '60000',
    OPS_PORT: '0',
    LOG_LEVEL: 'info',
  });
  try {
    const assigned = await child.waitForLog('partitions assigned');
    const started = Date.parse(String(assigned.time));
    const meters = { elasticsearch: new CpuMeter(stackPid('elasticsearch')), kafka: new CpuMeter(stackPid('kafka')), process: new CpuMeter(child.pid) };
    for (;;) {
      const committed = await admin.fetchOffsets({ groupId: options.groupId, topics: [options.topic] });
      const done = (committed[0]?.partitions ?? []).reduce((sum, entry) => sum + Math.max(0, Number(entry.offset)), 0);
      if (done >= options.total) break;
      if (!child.running || child.lines.some((line) => line.includes('"level":"fatal"'))) throw new Error(`${script} failed: ${child.stderr.slice(-2_000)} ${child.lines.slice(-3).join('\n')}`);
      // Polled often: the wait past the last commit counts against the indexer (the bare loader has none).
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const seconds = (Date.now() - started) / 1000;
    const cpu = Object.fromEntries(Object.entries(meters).map(([name, meter]) => [name, meter.microsecondsPer(options.total)]));
    const code = await child.stop();
    if (code !== 0) throw new Error(`${script} exited with ${code}`);
    const count = await countEventDocuments(es, options.names);
    if (count !== options.total) throw new Error(`${script}: ${count} documents instead of ${options.total}`);
    return { docsPerSecond: options.total / seconds, cpu };
  } finally {
    await child.kill();
    await deleteEventIndices(es, options.names);
    await admin.deleteGroups([options.groupId]).catch(() => undefined);
  }
}

function cpuMicroseconds(usage: NodeJS.CpuUsage): number {
  return usage.user + usage.system;
}
