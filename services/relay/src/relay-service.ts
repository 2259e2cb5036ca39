import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kafka } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import { ensureTopic } from '../../../shared/kafka/topics.js';
import { eventsTopicConfig } from '../../../shared/retention/topic-retention.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { runShutdownSteps, type ShutdownStep } from '../../../shared/ops/shutdown-steps.js';
import { DEFAULT_BACKOFF } from '../../../shared/util/backoff.js';
import { BacklogSampler, type BacklogSample } from './backlog-sampler.js';
import { KafkaEventPublisher } from './event-publisher.js';
import { LeaseStore } from './lease-store.js';
import { OutboxReader } from './outbox-reader.js';
import type { OutboxRecord } from './outbox-record.js';
import { OutboxSettler } from './outbox-settler.js';
import { PeriodicTask } from './periodic-task.js';
import type { RelayClients } from './relay-clients.js';
import type { RelayDatabase } from './relay-database.js';
import { RelayLoop } from './relay-loop.js';
import { RelayMetrics } from './relay-metrics.js';
import type { RelaySettings } from './relay-settings.js';
import { RetentionCleaner } from './retention-cleaner.js';
import { ShardLeaseManager } from './shard-lease-manager.js';

/** A Kafka send unacknowledged for this long makes the relay report itself degraded. */
const SEND_STALL_MS = 5000;

export interface RelayServiceOptions {
  readonly settings: RelaySettings;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Its MySQL pool and Kafka client (relay-clients.ts); the service closes them when it stops. */
  readonly clients: RelayClients;
  /** Observer of settled batches (tests, benchmarks). */
  readonly onSettled?: (records: readonly OutboxRecord[]) => void;
  /** Called when the publishing loop fails in a way it cannot recover from (a bug): main exits non-zero. */
  readonly onFatal?: (error: unknown) => void;
}

/**
 * The outbox relay: shard leases, the publishing loop, the backlog gauges and (with a retention
 * period) the cleaner, over one MySQL pool and one idempotent Kafka producer.
 */
export class RelayService implements RunnableService {
  readonly instanceId: string;
  readonly #settings: RelaySettings;
  readonly #logger: Logger;
  readonly #metrics: RelayMetrics;
  readonly #db: Kysely<RelayDatabase>;
  readonly #kafka: Kafka;
  readonly #publisher: KafkaEventPublisher;
  readonly #leases: ShardLeaseManager;
  readonly #loop: RelayLoop;
  readonly #stats: PeriodicTask;
  readonly #cleaner: PeriodicTask | undefined;
  readonly #probes: readonly ConnectionProbe[];
  #backlog: BacklogSample | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: RelayServiceOptions) {
    const { settings, logger } = options;
    this.#settings = settings;
    this.instanceId = `${settings.RELAY_INSTANCE_NAME}@${hostname().slice(0, 16)}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.#logger = logger.child({ instance: this.instanceId });
    this.#metrics = new RelayMetrics(options.registry);
    const { db, pool } = options.clients;
    this.#db = db;
    const promisePool = pool.promise();
    this.#kafka = options.clients.kafka;
    this.#probes = options.clients.probes;
    this.#publisher = new KafkaEventPublisher({
      kafka: this.#kafka,
      topic: settings.RELAY_TOPIC,
      maxRequestBytes: settings.RELAY_MAX_REQUEST_BYTES,
      maxPartitionBytes: settings.RELAY_MAX_PARTITION_BYTES,
      compression: settings.RELAY_COMPRESSION,
      logger: this.#logger,
    });
    this.#leases = new ShardLeaseManager({
      store: new LeaseStore(db),
      instanceId: this.instanceId,
      leaseMs: settings.RELAY_LEASE_MS,
      renewIntervalMs: settings.RELAY_RENEW_INTERVAL_MS,
      logger: this.#logger,
      metrics: this.#metrics,
    });
    this.#loop = new RelayLoop({
      reader: new OutboxReader(promisePool),
      publisher: this.#publisher,
      settler: new OutboxSettler(promisePool, settings.RELAY_RETENTION_SECONDS),
      ownership: this.#leases,
      metrics: this.#metrics,
      logger: this.#logger,
      batchSize: settings.RELAY_BATCH_SIZE,
      readByIdWhenOwningAll: settings.RELAY_RETENTION_SECONDS === 0,
      pollMinMs: settings.RELAY_POLL_MIN_MS,
      pollMaxMs: settings.RELAY_POLL_MAX_MS,
      backoff: { ...DEFAULT_BACKOFF, initialMs: 100, maxMs: 10_000 },
      ...(options.onSettled === undefined ? {} : { onSettled: options.onSettled }),
      onFatal: (error) => options.onFatal?.(error),
    });
    const sampler = new BacklogSampler(promisePool);
    this.#stats = new PeriodicTask({
      intervalMs: settings.RELAY_STATS_INTERVAL_MS,
      run: async () => {
        const sample = await sampler.sample(this.#leases.ownedShards);
        this.#backlog = sample;
        this.#metrics.backlogRows.set(sample.rows);
        this.#metrics.oldestAgeSeconds.set(sample.oldestAgeSeconds);
      },
      onError: (error, failures) => {
        this.#metrics.errors.inc({ kind: 'stats' });
        this.#logger.warn({ err: error, failures }, 'backlog sampling failed');
      },
      backoff: { initialMs: 1000, maxMs: 30_000, factor: 2 },
    });
    if (settings.RELAY_RETENTION_SECONDS > 0) {
      const cleaner = new RetentionCleaner(promisePool, {
        retentionSeconds: settings.RELAY_RETENTION_SECONDS,
        chunk: settings.RELAY_CLEANUP_CHUNK,
        onDeleted: (rows) => this.#metrics.cleanedRows.inc(rows),
      });
      this.#cleaner = new PeriodicTask({
        intervalMs: settings.RELAY_CLEANUP_INTERVAL_MS,
        run: async (signal) => {
          await cleaner.clean(this.#leases.ownedShards, signal);
        },
        onError: (error, failures) => {
          this.#metrics.errors.inc({ kind: 'cleanup' });
          this.#logger.warn({ err: error, failures }, 'retention cleanup failed');
        },
        backoff: { initialMs: 1000, maxMs: 30_000, factor: 2 },
      });
    }
  }

  async start(): Promise<void> {
    const settings = this.#settings;
    const admin = this.#kafka.admin();
    await admin.connect();
    try {
      const { created } = await ensureTopic(admin, settings.RELAY_TOPIC, {
        partitions: settings.RELAY_TOPIC_PARTITIONS,
        replicationFactor: settings.RELAY_TOPIC_REPLICATION_FACTOR,
        configEntries: eventsTopicConfig(settings.RETENTION_EVENTS_TOPIC_HOURS),
      });
      if (created) this.#logger.info({ topic: settings.RELAY_TOPIC, partitions: settings.RELAY_TOPIC_PARTITIONS, retentionHours: settings.RETENTION_EVENTS_TOPIC_HOURS }, 'created the events topic');
    } finally {
      await admin.disconnect();
    }
    await this.#publisher.connect();
    await this.#leases.start();
    this.#loop.start();
    await this.#stats.start();
    await this.#cleaner?.start();
    this.#logger.info(
      { topic: settings.RELAY_TOPIC, ownedShards: this.#leases.ownedShards.length, batchSize: settings.RELAY_BATCH_SIZE, retentionSeconds: settings.RELAY_RETENTION_SECONDS },
      'relay started',
    );
  }

  connectionProbes(): readonly ConnectionProbe[] {
    return this.#probes;
  }

  /** Finishes the batch in flight, gives the shards back, closes clients; every step runs even if one fails, and a failure fails the stop. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      const steps: ShutdownStep[] = [
        ['publishing loop', () => this.#loop.stop()],
        ['backlog sampler', () => this.#stats.stop()],
        ['retention cleaner', async () => this.#cleaner?.stop()],
        ['shard leases', () => this.#leases.stop()],
        ['Kafka producer', () => this.#publisher.disconnect()],
        ['MySQL pool', () => this.#db.destroy()],
      ];
      await runShutdownSteps(steps, this.#logger);
    })();
    return this.#stopping;
  }

  health(): Omit<HealthReport, 'state'> {
    const loop = this.#loop.status;
    const sinceRenewal = this.#leases.sinceLastRenewalMs;
    const renewalLate = sinceRenewal === undefined || sinceRenewal > 3 * this.#settings.RELAY_RENEW_INTERVAL_MS;
    const owned = this.#leases.ownedShards.length;
    return {
      // kafkajs retries inside a send for a while before giving up: a send that long unanswered is
      // reported before it fails.
      status: loop.consecutiveFailures > 0 || loop.sendingForMs > SEND_STALL_MS || renewalLate ? 'degraded' : 'ok',
      checks: {
        instance: this.instanceId,
        role: owned > 0 ? 'active' : 'standby',
        ownedShards: owned,
        liveInstances: this.#leases.liveInstances,
        lastLeaseRenewalMsAgo: sinceRenewal === undefined ? null : Math.round(sinceRenewal),
        publishing: { consecutiveFailures: loop.consecutiveFailures, sendingForMs: Math.round(loop.sendingForMs), lastError: loop.lastError ?? null },
        backlog: this.#backlog ?? null,
      },
    };
  }

}
