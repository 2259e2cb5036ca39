import type { Redis } from 'ioredis';
import { Partitioners, type Admin, type Kafka, type Producer } from 'kafkajs';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import { kafkaProbe } from '../../../shared/connections/kafka-probe.js';
import { mysqlProbe } from '../../../shared/connections/mysql-probe.js';
import { redisProbe } from '../../../shared/connections/redis-probe.js';
import { keyRingOf } from '../../../shared/crypto/encryption-settings.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';
import { createRedis } from '../../../shared/redis/create-redis.js';
import { redisConnection } from '../../../shared/redis/redis-connection.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { DeadLetterPublisher } from '../../../shared/kafka/dead-letter-publisher.js';
import { waitForTopic } from '../../../shared/kafka/wait-for-topic.js';
import { AttemptLog } from './attempt-log.js';
import { DeliveryQueue } from '../../../shared/webhooks/delivery-queue.js';
import { EndpointChangePublisher, endpointChangesChannel, subscribeEndpointChanges } from '../../../shared/webhooks/endpoint-changes.js';
import { EndpointLimiter } from './endpoint-limiter.js';
import { HttpDeliverer } from './http-deliverer.js';
import { MessageStore } from '../../../shared/webhooks/message-store.js';
import { assertPersistentRedis } from '../../../shared/webhooks/redis-persistence.js';
import { addressPolicyOf, endpointOverrideBoundsOf, retryScheduleOf } from '../../../shared/webhooks/webhook-settings.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { DeliveryProcessor } from './delivery-processor.js';
import { DeliveryWorker } from './delivery-worker.js';
import type { DispatcherSettings } from './dispatcher-settings.js';
import { DispatcherMetrics } from './dispatcher-metrics.js';
import { DeliveryOverrides } from './delivery-overrides.js';
import { EndpointDirectory } from './endpoint-directory.js';
import { EndpointHealth } from './endpoint-health.js';
import { FanOutConsumer } from './fan-out-consumer.js';
import { ensureStartOffsets } from './start-position.js';
import { StalledJobRecorder } from './stalled-job-recorder.js';
import { FirstAttempts } from './first-attempts.js';
import { HandOffQueue } from './hand-off-queue.js';
import { SettledMarks } from './settled-marks.js';
import { runShutdownSteps, type ShutdownStep } from '../../../shared/ops/shutdown-steps.js';
import { DEFAULT_BACKOFF } from '../../../shared/util/backoff.js';
import { operationalNoticesCounter } from '../../../shared/webhooks/operational/operational-metrics.js';
import { OperationalEndpointStore } from '../../../shared/webhooks/operational/operational-endpoint-store.js';
import { OperationalQueue, operationalQueueSettings } from '../../../shared/webhooks/operational/operational-queue.js';
import type { OperationalTables } from '../../../shared/webhooks/operational/operational-tables.js';
import { AttemptNotices } from './operational/attempt-notices.js';
import { OperationalWorker } from './operational/operational-worker.js';

export interface DispatcherOptions {
  readonly settings: DispatcherSettings;
  readonly kafka: Kafka;
  readonly registry: Registry;
  readonly logger: Logger;
  readonly onFatal: (error: unknown) => void;
}

/**
 * The webhook dispatcher: the Kafka fan-out and the BullMQ delivery workers of one process. Both
 * halves scale with event volume; run more processes for more (the consumer group splits the
 * partitions, the workers share the queue, the endpoint limits live in Redis).
 */
export class DispatcherService implements RunnableService {
  readonly #options: DispatcherOptions;
  readonly #redis: { commands: Redis; queue: Redis; worker: Redis; subscriber: Redis };
  readonly #db: Kysely<WebhooksDatabase>;
  readonly #admin: Admin;
  readonly #producer: Producer;
  readonly #deadLetters: DeadLetterPublisher;
  readonly #queue: DeliveryQueue;
  readonly #attempts: AttemptLog;
  readonly #deliverer: HttpDeliverer;
  readonly #directory: EndpointDirectory;
  readonly #worker: DeliveryWorker;
  readonly #fanOut: FanOutConsumer;
  readonly #handOffs: HandOffQueue;
  readonly #notices: OperationalQueue;
  readonly #operationalWorker: OperationalWorker;
  readonly #probes: readonly ConnectionProbe[];
  #stopping: Promise<void> | undefined;

  constructor(options: DispatcherOptions) {
    this.#options = options;
    const { settings, kafka, registry, logger } = options;
    const redis = redisConnection(settings);
    // Commands fail after a few reconnect attempts (the job is then retried); BullMQ's worker
    // connection waits for Redis indefinitely, as BullMQ requires.
    this.#redis = {
      // Limiter calls of concurrent jobs issued in the same tick go out in one write.
      commands: createRedis(redis, { maxRetriesPerRequest: 3, enableAutoPipelining: true }),
      queue: createRedis(redis, { maxRetriesPerRequest: 3 }),
      worker: createRedis(redis, { maxRetriesPerRequest: null }),
      subscriber: createRedis(redis, { maxRetriesPerRequest: null }),
    };
    for (const [name, client] of Object.entries(this.#redis)) client.on('error', (error) => logger.debug({ err: error, connection: name }, 'redis connection error'));
    const mysql = mysqlConnection(settings);
    const database = createDatabase<WebhooksDatabase>({ connection: mysql, connectionLimit: settings.WEBHOOK_MYSQL_CONNECTIONS });
    this.#probes = [mysqlProbe(database.pool, mysql), kafkaProbe(kafka, kafkaConnection(settings)), redisProbe(redis)];
    this.#db = database.db;
    const prefix = settings.WEBHOOK_REDIS_PREFIX;
    const queueSettings = { name: settings.WEBHOOK_QUEUE, prefix };
    const schedule = retryScheduleOf(settings);
    this.#queue = new DeliveryQueue(this.#redis.queue, queueSettings, schedule, logger);
    this.#attempts = new AttemptLog(database.pool, logger);
    this.#deliverer = new HttpDeliverer({
      policy: addressPolicyOf(settings),
      connectTimeoutMs: settings.WEBHOOK_CONNECT_TIMEOUT_MS,
      timeoutMs: settings.WEBHOOK_TIMEOUT_MS,
      excerptBytes: settings.WEBHOOK_RESPONSE_EXCERPT_BYTES,
      connectionsPerOrigin: settings.WEBHOOK_CONNECTIONS_PER_ORIGIN,
    });
    const overrideBounds = endpointOverrideBoundsOf(settings);
    const overrides = new DeliveryOverrides({ timeoutMs: settings.WEBHOOK_TIMEOUT_MS, schedule }, overrideBounds);
    this.#directory = new EndpointDirectory(this.#db, settings.WEBHOOK_ENDPOINT_CACHE_MS, keyRingOf(settings), overrides);
    const changes = new EndpointChangePublisher(this.#redis.commands, endpointChangesChannel(prefix), logger);
    const metrics = new DispatcherMetrics(registry, {
      jobCounts: () => this.#queue.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'failed'),
      // Called at scrape time, after construction.
      disabledEndpoints: () => health.countDisabled(),
      tails: () => this.#fanOut.tails(),
    });
    const operationalQueue = operationalQueueSettings(queueSettings);
    const noticeCounter = operationalNoticesCounter(registry);
    this.#notices = new OperationalQueue(this.#redis.queue, operationalQueue, schedule, noticeCounter, logger);
    const notices = new AttemptNotices(this.#notices);
    const health = new EndpointHealth(this.#db, changes, settings.WEBHOOK_DISABLE_AFTER_MS, metrics, logger, this.#notices);
    // A slot's lease outlives the longest request any endpoint may set.
    const longestAttemptMs = Math.max(settings.WEBHOOK_TIMEOUT_MS, overrideBounds.timeoutMs.max);
    const limiter = new EndpointLimiter(this.#redis.commands, prefix, longestAttemptMs + 5_000, settings.WEBHOOK_LIMITER_MAX_WAIT_MS);
    const messages = new MessageStore(this.#db);
    this.#handOffs = new HandOffQueue(this.#queue, logger);
    const marks = new SettledMarks(this.#redis.commands, prefix, settings.WEBHOOK_SETTLED_TTL_MS, logger);
    const firstAttempts = new FirstAttempts(
      { deadlineMs: settings.WEBHOOK_FIRST_ATTEMPT_DEADLINE_MS, queueBound: settings.WEBHOOK_LANE_QUEUE_BOUND,
        overloadLagMs: settings.WEBHOOK_OVERLOAD_LAG_MS, overloadDeadlineMs: settings.WEBHOOK_OVERLOAD_DEADLINE_MS },
      { deliverer: this.#deliverer, attempts: this.#attempts, messages, health, handOffs: this.#handOffs, marks, limiter, metrics, logger, notices },
    );
    const processor = new DeliveryProcessor({
      directory: this.#directory,
      limiter,
      deliverer: this.#deliverer,
      attempts: this.#attempts,
      messages,
      health,
      metrics,
      logger,
      settledTtlMs: settings.WEBHOOK_SETTLED_TTL_MS,
      onPause: (endpointId, ms) => firstAttempts.pause(endpointId, ms),
      notices,
    });
    this.#operationalWorker = new OperationalWorker({
      connection: this.#redis.worker,
      queue: operationalQueue,
      endpoints: new OperationalEndpointStore(this.#db.withTables<OperationalTables>(), keyRingOf(settings)),
      deliverer: this.#deliverer,
      attempts: this.#attempts,
      limiter,
      schedule,
      counter: noticeCounter,
      logger,
      lockDurationMs: settings.WEBHOOK_LOCK_MS,
      concurrency: settings.WEBHOOK_OPERATIONAL_CONCURRENCY,
      limits: { maxConcurrency: settings.WEBHOOK_OPERATIONAL_MAX_CONCURRENCY, ratePerSecond: settings.WEBHOOK_OPERATIONAL_RATE_PER_SECOND },
    });
    this.#worker = new DeliveryWorker(
      this.#redis.worker,
      queueSettings,
      processor,
      schedule,
      { concurrency: settings.WEBHOOK_CONCURRENCY, lockDurationMs: settings.WEBHOOK_LOCK_MS, stalledIntervalMs: settings.WEBHOOK_STALLED_INTERVAL_MS, maxStalledCount: settings.WEBHOOK_MAX_STALLED_COUNT },
      logger,
      new StalledJobRecorder(messages, metrics, logger),
    );
    this.#admin = kafka.admin();
    // Dead letters need neither order nor exactly-once: a plain producer, acks=-1 per send.
    this.#producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    this.#deadLetters = new DeadLetterPublisher(
      this.#producer,
      { topic: settings.WEBHOOK_DLQ_TOPIC, consumerGroup: settings.WEBHOOK_GROUP_ID, backoff: DEFAULT_BACKOFF },
      {
        published: (reason) => metrics.deadLettered.inc({ reason }),
        publishRetry: (error, attempt, delayMs) => logger.warn({ err: error, attempt, delayMs }, 'could not publish to the dead-letter topic; retrying'),
        truncated: (letter, bytes) => logger.warn({ partition: letter.partition, offset: letter.offset, reason: letter.reason, bytes }, 'dead letter cut to fit the dead-letter topic'),
      },
    );
    this.#fanOut = new FanOutConsumer(
      {
        topic: settings.WEBHOOK_TOPIC,
        groupId: settings.WEBHOOK_GROUP_ID,
        partitionsConcurrently: settings.WEBHOOK_PARTITIONS_CONCURRENTLY,
        chunkSize: settings.WEBHOOK_FANOUT_CHUNK,
        tailMaxMessages: settings.WEBHOOK_TAIL_MAX_MESSAGES,
        tailMaxAgeMs: settings.WEBHOOK_TAIL_MAX_AGE_MS,
        firstAttemptBudget: settings.WEBHOOK_FIRST_ATTEMPT_BUDGET,
        commitIntervalMs: settings.WEBHOOK_COMMIT_INTERVAL_MS,
        // Leaves the worker and the rest of the shutdown a share of the deadline.
        drainMs: Math.max(1_000, Math.floor(settings.SHUTDOWN_DEADLINE_MS / 2)),
        maxBodyBytes: settings.WEBHOOK_MAX_BODY_BYTES,
        sessionTimeoutMs: settings.WEBHOOK_SESSION_TIMEOUT_MS,
        heartbeatIntervalMs: settings.WEBHOOK_HEARTBEAT_INTERVAL_MS,
      },
      { kafka, firstAttempts, marks, directory: this.#directory, deadLetters: this.#deadLetters, metrics, logger, onFatal: options.onFatal },
    );
  }

  async start(): Promise<void> {
    const { settings, logger } = this.#options;
    await assertPersistentRedis(this.#redis.commands, redisConnection(settings).display, logger);
    await subscribeEndpointChanges(this.#redis.subscriber, endpointChangesChannel(settings.WEBHOOK_REDIS_PREFIX), (change) => this.#directory.invalidate(change), logger);
    await this.#admin.connect();
    await waitForTopic(this.#admin, settings.WEBHOOK_TOPIC, { waitMs: settings.WEBHOOK_TOPIC_WAIT_MS });
    await this.#deadLetters.ensureTopic(this.#admin, { partitions: settings.WEBHOOK_DLQ_PARTITIONS, sourceTopic: settings.WEBHOOK_TOPIC, retentionDays: settings.RETENTION_DLQ_TOPIC_DAYS });
    await this.#producer.connect();
    this.#worker.start();
    this.#operationalWorker.start();
    const start = { topic: settings.WEBHOOK_TOPIC, groupId: settings.WEBHOOK_GROUP_ID, lookbackMs: settings.WEBHOOK_START_LOOKBACK_MS, clockMarginMs: settings.WEBHOOK_START_CLOCK_MARGIN_MS };
    await ensureStartOffsets(this.#admin, start, () => this.#directory.earliestEnabledCreatedAt(), logger);
    await this.#fanOut.start();
    logger.info({ topic: settings.WEBHOOK_TOPIC, groupId: settings.WEBHOOK_GROUP_ID, queue: settings.WEBHOOK_QUEUE, concurrency: settings.WEBHOOK_CONCURRENCY }, 'dispatching webhooks');
  }

  connectionProbes(): readonly ConnectionProbe[] {
    return this.#probes;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  health(): Omit<HealthReport, 'state'> {
    const fanOut = this.#fanOut.health();
    const redis = this.#redis.commands.status;
    // Notices are deliveries too: a stopped operational worker fails the check like the delivery worker.
    const working = this.#worker.isRunning && this.#operationalWorker.isRunning && redis === 'ready';
    const failingSince = this.#handOffs.failingSince;
    const handOffs = failingSince === undefined ? { status: 'ok' as const } : { status: 'degraded' as const, failingForMs: Date.now() - failingSince };
    const status = !working ? 'failing' : fanOut.status === 'ok' && handOffs.status === 'ok' ? 'ok' : 'degraded';
    return { status, checks: { fanOut, handOffs, worker: this.#worker.isRunning ? 'running' : 'stopped', operationalWorker: this.#operationalWorker.isRunning ? 'running' : 'stopped', redis } };
  }

  /** Stops reading Kafka first, then lets in-flight deliveries finish; every step runs even if one fails. */
  async #stop(): Promise<void> {
    const steps: ShutdownStep[] = [
      ['fan-out consumer', () => this.#fanOut.stop()],
      ['hand-offs to BullMQ', () => (this.#handOffs.stop(), Promise.resolve())],
      ['delivery worker', () => this.#worker.stop()],
      ['operational worker', () => this.#operationalWorker.stop()],
      ['attempt log', () => this.#attempts.drained()],
      ['delivery queue', () => this.#queue.close()],
      ['operational queue', () => this.#notices.close()],
      ['HTTP agent', () => this.#deliverer.close()],
      ['dead-letter producer', () => this.#producer.disconnect()],
      ['Kafka admin', () => this.#admin.disconnect()],
      ['MySQL', () => this.#db.destroy()],
      ...Object.entries(this.#redis).map(([name, client]): ShutdownStep => [`redis ${name}`, () => client.quit().catch(() => client.disconnect())]),
    ];
    await runShutdownSteps(steps, this.#options.logger);
  }
}
