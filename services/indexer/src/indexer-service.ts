import type { Client } from '@elastic/elasticsearch';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import { eventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { ensureEventTemplate } from '../../../shared/elasticsearch/event-template.js';
import { DeadLetterPublisher } from '../../../shared/kafka/dead-letter-publisher.js';
import { waitForTopic } from '../../../shared/kafka/wait-for-topic.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { BulkIndexer } from './bulk-indexer.js';
import { createElasticsearchBulkSender } from './elasticsearch-bulk-sender.js';
import { EventIndexer } from './event-indexer.js';
import { createFailpoint } from './failpoint.js';
import { IndexerMetrics } from './indexer-metrics.js';
import type { IndexerSettings } from './indexer-settings.js';
import { LagMonitor } from './lag-monitor.js';
import { runShutdownSteps, type ShutdownStep } from '../../../shared/ops/shutdown-steps.js';

export interface IndexerServiceOptions {
  readonly config: IndexerSettings;
  readonly kafka: Kafka;
  readonly elasticsearch: Client;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly onFatal: (error: unknown) => void;
  /** Checked before start (main passes the probes of the clients it built). */
  readonly probes?: readonly ConnectionProbe[];
}

/**
 * The indexer process: checks its topics and the index template, then runs the EventIndexer
 * (Kafka to Elasticsearch) and the LagMonitor. stop() drains the indexer first (index and commit
 * what was fetched), then releases every client, even if an earlier step failed.
 */
export class IndexerService implements RunnableService {
  readonly metrics: IndexerMetrics;
  readonly #admin: Admin;
  readonly #producer: Producer;
  readonly #deadLetters: DeadLetterPublisher;
  readonly #indexer: EventIndexer;
  readonly #lag: LagMonitor;
  readonly #options: IndexerServiceOptions;
  #stopping: Promise<void> | undefined;

  constructor(options: IndexerServiceOptions) {
    this.#options = options;
    const { config, kafka, logger } = options;
    this.metrics = new IndexerMetrics(options.registry);
    const backoff = { initialMs: config.INDEXER_RETRY_INITIAL_MS, maxMs: config.INDEXER_RETRY_MAX_MS, factor: 2 };
    this.#admin = kafka.admin();
    // Dead letters keep the original key, so one account's bad messages stay in order in the DLQ.
    this.#producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
    this.#deadLetters = new DeadLetterPublisher(
      this.#producer,
      { topic: config.INDEXER_DLQ_TOPIC, consumerGroup: config.INDEXER_GROUP_ID, backoff },
      this.metrics.deadLetterObserver(logger),
    );
    const consumer = kafka.consumer({
      groupId: config.INDEXER_GROUP_ID,
      sessionTimeout: config.INDEXER_SESSION_TIMEOUT_MS,
      heartbeatInterval: config.INDEXER_HEARTBEAT_INTERVAL_MS,
      maxBytesPerPartition: config.INDEXER_MAX_BYTES_PER_PARTITION,
      maxWaitTimeInMs: config.INDEXER_FETCH_MAX_WAIT_MS,
    });
    this.#indexer = new EventIndexer({
      consumer,
      topic: config.INDEXER_TOPIC,
      groupId: config.INDEXER_GROUP_ID,
      names: eventIndexNames(config.INDEXER_INDEX_PREFIX),
      bulk: new BulkIndexer(
        createElasticsearchBulkSender(options.elasticsearch, { timeoutMs: config.INDEXER_BULK_TIMEOUT_MS }),
        backoff,
        this.metrics.bulkObserver(logger),
      ),
      deadLetters: this.#deadLetters,
      metrics: this.metrics,
      logger,
      limits: {
        maxDocs: config.INDEXER_BATCH_MAX_DOCS,
        maxBytes: config.INDEXER_BATCH_MAX_BYTES,
        maxDocumentBytes: config.INDEXER_MAX_DOCUMENT_BYTES,
        lingerMs: config.INDEXER_BATCH_LINGER_MS,
        maxInFlight: config.INDEXER_MAX_IN_FLIGHT_BULKS,
      },
      heartbeatIntervalMs: config.INDEXER_HEARTBEAT_INTERVAL_MS,
      // Leave a little of the shutdown deadline to disconnect and exit on our own terms.
      drainTimeoutMs: Math.max(100, config.SHUTDOWN_DEADLINE_MS - 2_000),
      afterBulk: createFailpoint(config.INDEXER_TEST_FAILPOINT, logger),
      onFatal: options.onFatal,
    });
    this.#lag = new LagMonitor(
      this.#admin,
      { groupId: config.INDEXER_GROUP_ID, topic: config.INDEXER_TOPIC, intervalMs: config.INDEXER_LAG_INTERVAL_MS },
      this.metrics,
      logger,
    );
  }

  async start(): Promise<void> {
    const { config, elasticsearch, logger } = this.#options;
    const names = eventIndexNames(config.INDEXER_INDEX_PREFIX);
    await this.#admin.connect();
    await waitForTopic(this.#admin, config.INDEXER_TOPIC, { waitMs: config.INDEXER_TOPIC_WAIT_MS });
    await this.#deadLetters.ensureTopic(this.#admin, { partitions: config.INDEXER_DLQ_PARTITIONS, sourceTopic: config.INDEXER_TOPIC, retentionDays: config.RETENTION_DLQ_TOPIC_DAYS });
    const template = { shards: config.INDEXER_INDEX_SHARDS, replicas: config.INDEXER_INDEX_REPLICAS, refreshInterval: config.INDEXER_REFRESH_INTERVAL };
    await ensureEventTemplate(elasticsearch, names, template);
    // The template shapes indices created from now on; existing months get the refresh interval too.
    await elasticsearch.indices.putSettings({ index: names.pattern, allow_no_indices: true, settings: { index: { refresh_interval: config.INDEXER_REFRESH_INTERVAL } } });
    await this.#producer.connect();
    await this.#indexer.start();
    this.#lag.start();
    logger.info({ topic: config.INDEXER_TOPIC, groupId: config.INDEXER_GROUP_ID, alias: names.alias, dlq: config.INDEXER_DLQ_TOPIC }, 'indexing');
  }

  connectionProbes(): readonly ConnectionProbe[] {
    return this.#options.probes ?? [];
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  health(): Omit<HealthReport, 'state'> {
    return this.#indexer.health();
  }

  async #stop(): Promise<void> {
    const { logger, elasticsearch } = this.#options;
    const steps: ShutdownStep[] = [
      ['indexer', () => this.#indexer.stop()],
      ['lag monitor', () => this.#lag.stop()],
      ['dead-letter producer', () => this.#producer.disconnect()],
      ['Kafka admin', () => this.#admin.disconnect()],
      ['Elasticsearch client', () => elasticsearch.close()],
    ];
    await runShutdownSteps(steps, logger);
  }
}
