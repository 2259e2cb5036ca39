import { Partitioners, type Admin, type Kafka, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import type { Client } from '@elastic/elasticsearch';
import { readEnvironment } from '../../../shared/config/environment.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { eventIndexNames, type EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { ensureTopic } from '../../../shared/kafka/topics.js';
import { silentLogger, type Logger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { IndexerService } from '../../../services/indexer/src/indexer-service.js';
import { loadIndexerSettings, type IndexerSettings } from '../../../services/indexer/src/indexer-settings.js';
import { testSettings } from '../../support/settings.js';
import { readMessages } from '../../support/read-messages.js';
import { uniqueName } from '../../support/unique-name.js';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';
import { elasticsearchConnection } from '../../../shared/elasticsearch/elasticsearch-connection.js';

/**
 * One test's private world for the indexer: its own events topic, dead-letter topic, consumer
 * group and index prefix on the shared Kafka and Elasticsearch, and `cleanup()` that removes them.
 */
export class IndexerHarness {
  readonly topic = uniqueName('idx-events');
  readonly dlqTopic = uniqueName('idx-dlq');
  readonly groupId = uniqueName('idx-group');
  readonly prefix = uniqueName('idxt').toLowerCase();
  readonly names: EventIndexNames = eventIndexNames(this.prefix);
  readonly kafka: Kafka = createKafka({ clientId: 'indexer-test', connection: kafkaConnection(testSettings), logger: silentLogger });
  readonly es: Client = createElasticsearch({ connection: elasticsearchConnection(testSettings) });
  readonly admin: Admin = this.kafka.admin();
  #producer: Producer | undefined;
  readonly #services: IndexerService[] = [];

  async setUp(partitions = 3): Promise<this> {
    await this.admin.connect();
    await ensureTopic(this.admin, this.topic, { partitions });
    return this;
  }

  /** Environment of an indexer in this namespace (for a spawned process or loadIndexerSettings). */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      AUTHLOG_KAFKA_BROKERS: testSettings.AUTHLOG_KAFKA_BROKERS.join(','),
      AUTHLOG_ES_URL: testSettings.AUTHLOG_ES_URL,
      INDEXER_TOPIC: this.topic,
      INDEXER_DLQ_TOPIC: this.dlqTopic,
      INDEXER_DLQ_PARTITIONS: '1',
      INDEXER_GROUP_ID: this.groupId,
      INDEXER_INDEX_PREFIX: this.prefix,
      INDEXER_BATCH_LINGER_MS: '50',
      INDEXER_RETRY_MAX_MS: '1000',
      INDEXER_LAG_INTERVAL_MS: '500',
      INDEXER_TOPIC_WAIT_MS: '5000',
      OPS_PORT: '0',
      LOG_LEVEL: 'silent',
      ...overrides,
    };
  }

  config(overrides: Record<string, string> = {}): IndexerSettings {
    return loadIndexerSettings(this.env(overrides));
  }

  /** An indexer in this process (stopped by cleanup() unless the test stops it). */
  async startIndexer(overrides: Record<string, string> = {}, options: { logger?: Logger; onFatal?: (error: unknown) => void } = {}): Promise<IndexerService> {
    const config = this.config(overrides);
    const kafka = createKafka({ clientId: 'indexer-under-test', connection: kafkaConnection(config), logger: silentLogger });
    const service = new IndexerService({
      config,
      kafka,
      elasticsearch: createElasticsearch({ connection: elasticsearchConnection(config), requestTimeoutMs: config.INDEXER_BULK_TIMEOUT_MS }),
      registry: createMetricsRegistry('indexer-test', { processMetrics: false }),
      logger: options.logger ?? silentLogger,
      onFatal: options.onFatal ?? ((error) => { throw error; }),
    });
    this.#services.push(service);
    await service.start();
    return service;
  }

  async produce(messages: Message[]): Promise<void> {
    if (this.#producer === undefined) {
      this.#producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await this.#producer.connect();
    }
    for (let start = 0; start < messages.length; start += 500) {
      await this.#producer.send({ topic: this.topic, acks: -1, messages: messages.slice(start, start + 500) });
    }
  }

  /** Committed offsets of the group equal the end of every partition: everything is acknowledged. */
  async allCommitted(): Promise<boolean> {
    const lag = await this.lag();
    return [...lag.values()].every((value) => value === 0);
  }

  /** High watermark minus committed offset (or everything, when nothing is committed), per partition. */
  async lag(): Promise<Map<number, number>> {
    const [marks, committed] = await Promise.all([this.admin.fetchTopicOffsets(this.topic), this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] })]);
    const done = new Map((committed[0]?.partitions ?? []).map((entry) => [entry.partition, Number(entry.offset)]));
    return new Map(marks.map((mark) => [mark.partition, Number(mark.high) - Math.max(Number(mark.low), done.get(mark.partition) ?? -1)]));
  }

  async committedTotal(): Promise<number> {
    const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics: [this.topic] });
    return (committed[0]?.partitions ?? []).reduce((sum, entry) => sum + Math.max(0, Number(entry.offset)), 0);
  }

  /** Documents searchable through the read alias (after a refresh). */
  async count(query?: object): Promise<number> {
    await this.es.indices.refresh({ index: this.names.pattern, allow_no_indices: true, ignore_unavailable: true });
    const exists = await this.es.indices.existsAlias({ name: this.names.alias });
    if (!exists) return 0;
    const response = await this.es.count({ index: this.names.alias, ...(query === undefined ? {} : { query }) });
    return response.count;
  }

  /** Reads the dead-letter topic from the beginning until `count` messages arrived. */
  readDeadLetters(count: number, timeoutMs = 20_000): Promise<KafkaMessage[]> {
    return readMessages(this.kafka, this.dlqTopic, count, timeoutMs);
  }

  async cleanup(): Promise<void> {
    const steps: (() => Promise<unknown>)[] = [
      ...this.#services.map((service) => () => service.stop()),
      async () => this.#producer?.disconnect(),
      async () => {
        const existing = await this.admin.listTopics();
        const mine = [this.topic, this.dlqTopic].filter((topic) => existing.includes(topic));
        if (mine.length > 0) await this.admin.deleteTopics({ topics: mine });
      },
      () => this.admin.deleteGroups([this.groupId]).catch(() => undefined),
      () => this.admin.disconnect(),
      () => deleteIndices(this.es, this.names.pattern),
      () => this.es.indices.deleteIndexTemplate({ name: this.names.templateName }).catch(() => undefined),
      () => this.es.close(),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch {
        // keep cleaning
      }
    }
  }
}

/** Polls `check` until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 30_000, everyMs = 200): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The environment a spawned indexer inherits (PATH etc.) plus its own settings. */
export function childEnvironment(settings: Record<string, string>): Record<string, string> {
  const base = Object.fromEntries(Object.entries(readEnvironment()).filter((entry): entry is [string, string] => entry[1] !== undefined));
  return { ...base, ...settings };
}

/** Deletes the indices matching `pattern` (by name: Elasticsearch refuses wildcard deletes by default). */
export async function deleteIndices(es: Client, pattern: string): Promise<void> {
  const indices = Object.keys(await es.indices.get({ index: pattern, allow_no_indices: true, ignore_unavailable: true }));
  if (indices.length > 0) await es.indices.delete({ index: indices });
}
