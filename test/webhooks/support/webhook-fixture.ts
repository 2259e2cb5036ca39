import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import { createKafka } from '../../../shared/kafka/create-kafka.js';
import { eventAttributes, toKafkaMessage } from '../../../shared/kafka/cloud-event.js';
import { ensureTopic } from '../../../shared/kafka/topics.js';
import { silentLogger, type Logger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import type { AuthEvent } from '../../../shared/event/auth-event.js';
import type { AuthEventInput } from '../../../shared/event/auth-event-schema.js';
import { parseAuthEvent } from '../../../shared/event/parse-auth-event.js';
import { NO_FILTERS } from '../../../shared/webhooks/endpoint-filters.js';
import type { Endpoint } from '../../../shared/webhooks/endpoint-record.js';
import { EndpointStore, type EndpointInput } from '../../../shared/webhooks/endpoint-store.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { DispatcherService } from '../../../services/webhook-dispatcher/src/dispatcher-service.js';
import { loadDispatcherSettings } from '../../../services/webhook-dispatcher/src/dispatcher-settings.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { testSettings } from '../../support/settings.js';
import { uniqueName } from '../../support/unique-name.js';
import { deleteRedisKeys } from '../../../testing/redis-keys.js';
import type { Kysely } from 'kysely';
import { kafkaConnection } from '../../../shared/kafka/kafka-connection.js';
import { KeyRing } from '../../../shared/crypto/key-ring.js';

export interface RunningDispatcher {
  readonly service: DispatcherService;
  readonly registry: Registry;
  /** Set when the service reported a fatal error. */
  fatal: unknown;
  stop(): Promise<void>;
}

/**
 * One test file's webhook namespace: its own database, events topic, consumer group, Redis prefix
 * and queue; `cleanup()` removes them all.
 */
export class WebhookFixture {
  readonly endpoints: EndpointStore;
  /** The namespace's own encryption key: the fixture's store and the services it starts share it. */
  readonly encryptionKeys = KeyRing.generateEntry('test');
  readonly #running = new Set<RunningDispatcher>();

  private constructor(
    readonly database: TestDatabase,
    readonly kafka: Kafka,
    readonly producer: Producer,
    readonly topic: string,
    readonly prefix: string,
    readonly redisUrl: string,
  ) {
    this.endpoints = new EndpointStore(this.db, KeyRing.parse(this.encryptionKeys));
  }

  static async create(options: { redisUrl?: string; partitions?: number } = {}): Promise<WebhookFixture> {
    const database = await createTestDatabase();
    const kafka = createKafka({ clientId: 'webhook-tests', connection: kafkaConnection(testSettings), logger: silentLogger });
    const topic = uniqueName('webhook-events');
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopic(admin, topic, { partitions: options.partitions ?? 2 });
    await admin.disconnect();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    return new WebhookFixture(database, kafka, producer, topic, uniqueName('whtest'), options.redisUrl ?? testSettings.AUTHLOG_REDIS_URL);
  }

  get db(): Kysely<WebhooksDatabase> {
    return this.database.db as unknown as Kysely<WebhooksDatabase>;
  }

  /** The dispatcher's environment for this namespace; `overrides` win. */
  env(overrides: Record<string, string> = {}): Record<string, string> {
    return {
      AUTHLOG_MYSQL_URL: this.database.url,
      AUTHLOG_KAFKA_BROKERS: testSettings.AUTHLOG_KAFKA_BROKERS.join(','),
      AUTHLOG_REDIS_URL: this.redisUrl,
      AUTHLOG_ENCRYPTION_KEYS: this.encryptionKeys,
      LOG_LEVEL: 'silent',
      OPS_PORT: '0',
      WEBHOOK_REDIS_PREFIX: this.prefix,
      WEBHOOK_TOPIC: this.topic,
      WEBHOOK_GROUP_ID: `${this.prefix}-group`,
      WEBHOOK_DLQ_TOPIC: `${this.topic}-dlq`,
      WEBHOOK_DLQ_PARTITIONS: '1',
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_SSRF_ALLOW: '127.0.0.1/32',
      WEBHOOK_RETRY_SCHEDULE: '0,100ms,100ms,100ms,100ms',
      WEBHOOK_TIMEOUT_MS: '3000',
      WEBHOOK_CONNECT_TIMEOUT_MS: '1000',
      WEBHOOK_ENDPOINT_CACHE_MS: '500',
      WEBHOOK_LOCK_MS: '5000',
      WEBHOOK_STALLED_INTERVAL_MS: '2000',
      WEBHOOK_CONCURRENCY: '20',
      WEBHOOK_SESSION_TIMEOUT_MS: '6000',
      WEBHOOK_HEARTBEAT_INTERVAL_MS: '1000',
      ...overrides,
    };
  }

  /** Runs the dispatcher in this process (the crash test spawns the built one instead). */
  async startDispatcher(overrides: Record<string, string> = {}, logger: Logger = silentLogger): Promise<RunningDispatcher> {
    const settings = loadDispatcherSettings(this.env(overrides));
    const registry = createMetricsRegistry('webhook-dispatcher-test', { processMetrics: false });
    const kafka = createKafka({ clientId: 'webhook-dispatcher-test', connection: kafkaConnection(settings), logger });
    const running: RunningDispatcher = {
      service: undefined as unknown as DispatcherService,
      registry,
      fatal: undefined,
      stop: async () => {
        this.#running.delete(running);
        await running.service.stop();
      },
    };
    (running as { service: DispatcherService }).service = new DispatcherService({ settings, kafka, registry, logger, onFatal: (error) => (running.fatal = error) });
    this.#running.add(running);
    await running.service.start();
    return running;
  }

  async createEndpoint(accountId: string, input: Partial<EndpointInput> & { url: string }): Promise<{ endpoint: Endpoint; secret: string }> {
    return this.endpoints.create(accountId, { description: '', filters: NO_FILTERS, rateLimitPerSecond: null, maxConcurrency: 10, ...input });
  }

  /** Produces events as the relay does (CloudEvents binary mode, keyed by account). */
  async produce(inputs: readonly AuthEventInput[]): Promise<AuthEvent[]> {
    const events = inputs.map((input) => parseAuthEvent(input));
    await this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: events.map((event) => toKafkaMessage(eventAttributes(event), JSON.stringify(event))),
    });
    return events;
  }

  async cleanup(): Promise<void> {
    for (const running of [...this.#running]) await running.stop().catch(() => undefined);
    await this.producer.disconnect();
    const admin = this.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [this.topic, `${this.topic}-dlq`] }).catch(() => undefined);
    await admin.deleteGroups([`${this.prefix}-group`]).catch(() => undefined);
    await admin.disconnect();
    await deleteRedisKeys(this.redisUrl, this.prefix).catch(() => undefined);
    await this.database.drop();
  }
}
