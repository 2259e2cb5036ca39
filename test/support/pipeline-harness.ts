import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import type { Client } from '@elastic/elasticsearch';
import type { Kafka } from 'kafkajs';
import { ApiKeyStore } from '../../shared/auth/api-key-store.js';
import { mysqlConnection } from '../../shared/db/mysql-connection.js';
import { createScratchDatabase, type ScratchDatabase } from '../../testing/scratch-database.js';
import { createElasticsearch } from '../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection, plainElasticsearchConnection } from '../../shared/elasticsearch/elasticsearch-connection.js';
import { eventIndexNames, type EventIndexNames } from '../../shared/elasticsearch/event-index.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { kafkaConnection, plainKafkaConnection } from '../../shared/kafka/kafka-connection.js';
import { ensureTopic } from '../../shared/kafka/topics.js';
import { silentLogger } from '../../shared/log/logger.js';
import { createRedis } from '../../shared/redis/create-redis.js';
import { redisConnection, redisConnectionOf, type RedisConnection } from '../../shared/redis/redis-connection.js';
import { generateSecret } from '../../shared/webhooks/signing.js';
import { KeyRing } from '../../shared/crypto/key-ring.js';
import { freePort } from './free-port.js';
import { ServiceProcess } from './service-process.js';
import { testStack } from './settings.js';
import type { Stack } from './stack-env.js';
import { uniqueName } from './unique-name.js';

export type PipelineService = 'demo-receiver' | 'auth-demo' | 'relay' | 'indexer' | 'webhook-dispatcher' | 'webhook-api' | 'reports' | 'ledger';

export interface PipelineOptions {
  readonly services: readonly PipelineService[];
  /** The engines and how to reach them: the open stack by default, the secured one for test/secure. */
  readonly stack?: Stack;
  /** Where the services find Kafka, Elasticsearch and Redis; a fault test points them at private ones or proxies. */
  readonly kafkaBrokers?: readonly string[];
  readonly elasticsearchUrl?: string;
  readonly redisUrl?: string;
  readonly partitions?: number;
  /** Compressed retry schedule so a failing receiver is retried within a test's time. */
  readonly webhookRetrySchedule?: string;
  /** The webhook services read their encryption keys from this file (as from a mounted secret) instead of a variable. */
  readonly encryptionKeysFile?: string;
}

/**
 * The whole pipeline as separate built processes, in a namespace of its own: a fresh database, its
 * own topics, consumer groups, index prefix and Redis prefix, a demo receiver with its own secret.
 * For the end-to-end and fault-injection suites; `shutdown()` stops everything and removes it all.
 */
export class PipelineHarness {
  readonly processes = new Map<PipelineService, ServiceProcess>();
  readonly ports = new Map<PipelineService, number>();
  readonly names: EventIndexNames;
  readonly topic = uniqueName('e2e-events');
  readonly redisPrefix = uniqueName('e2e');
  readonly receiverSecret = generateSecret();
  /** Encrypts the webhook signing secrets in this namespace's database. */
  readonly encryptionKeys = KeyRing.generateEntry('e2e');
  readonly elasticsearch: Client;
  readonly kafka: Kafka;
  /** Unexpected exits restarted by the supervisor, per service. */
  readonly restarts = new Map<PipelineService, number>();
  #supervising = false;
  #stopping = false;

  private constructor(
    readonly database: ScratchDatabase,
    readonly options: PipelineOptions,
    readonly stack: Stack,
  ) {
    this.names = eventIndexNames(uniqueName('e2e').toLowerCase());
    const { settings } = stack;
    const elasticsearch = options.elasticsearchUrl === undefined ? elasticsearchConnection(settings) : plainElasticsearchConnection(options.elasticsearchUrl);
    this.elasticsearch = createElasticsearch({ connection: elasticsearch });
    const kafka = options.kafkaBrokers === undefined ? kafkaConnection(settings) : plainKafkaConnection(options.kafkaBrokers);
    this.kafka = createKafka({ clientId: 'e2e-harness', connection: kafka, logger: silentLogger });
  }

  static async start(options: PipelineOptions): Promise<PipelineHarness> {
    const stack = options.stack ?? testStack;
    const database = await createScratchDatabase({ server: mysqlConnection(stack.settings) });
    const harness = new PipelineHarness(database, options, stack);
    try {
      const admin = harness.kafka.admin();
      await admin.connect();
      await ensureTopic(admin, harness.topic, { partitions: options.partitions ?? 6 });
      await admin.disconnect();
      for (const service of options.services) await harness.startService(service);
    } catch (error) {
      // The start failure is what the test must report; a cleanup failure must not replace it.
      await harness.shutdown().catch((cleanup: unknown) => console.error('pipeline cleanup after a failed start:', cleanup));
      throw error;
    }
    return harness;
  }

  get kafkaBrokers(): readonly string[] {
    return this.options.kafkaBrokers ?? this.stack.settings.AUTHLOG_KAFKA_BROKERS;
  }

  url(service: PipelineService): string {
    const port = this.ports.get(service);
    if (port === undefined) throw new Error(`${service} has no public port`);
    return `http://127.0.0.1:${port}`;
  }

  process(service: PipelineService): ServiceProcess {
    const child = this.processes.get(service);
    if (child === undefined) throw new Error(`${service} is not running`);
    return child;
  }

  /** Starts (or starts again, on the same ports and namespace) one service and waits until healthy. */
  async startService(service: PipelineService): Promise<ServiceProcess> {
    const child = await ServiceProcess.start(service, await this.#environment(service), 90_000);
    if (this.#stopping || this.processes.has(service)) {
      // Shutdown began, or another start (the supervisor's) won the race: this one is surplus.
      await child.stop();
      throw new Error(`${service} start abandoned: ${this.#stopping ? 'shutting down' : 'already running'}`);
    }
    this.processes.set(service, child);
    void child.exited.then(() => this.#onExit(service, child));
    return child;
  }

  /**
   * From now on a service that exits without being asked (it gave up on a dependency, as it should
   * when it cannot recover) is started again after a second, as Kubernetes or `npm start` would.
   */
  supervise(): void {
    this.#supervising = true;
  }

  /** kill -9, as a crash; the supervisor (when on) does not restart it: the caller does. */
  async crash(service: PipelineService): Promise<void> {
    const child = this.processes.get(service);
    this.processes.delete(service);
    await child?.kill();
  }

  #onExit(service: PipelineService, child: ServiceProcess): void {
    if (!this.#supervising || this.#stopping || this.processes.get(service) !== child) return;
    this.processes.delete(service);
    this.restarts.set(service, (this.restarts.get(service) ?? 0) + 1);
    this.#restartLater(service);
  }

  #restartLater(service: PipelineService): void {
    setTimeout(() => {
      if (this.#stopping || this.processes.has(service)) return;
      // A start that fails (its dependency still down) is tried again, like a crash-looping pod.
      this.startService(service).catch(() => this.#restartLater(service));
    }, 1_000);
  }

  async createApiKey(accountId: string): Promise<string> {
    return (await new ApiKeyStore(this.database.db).create(accountId, 'e2e', ALL_SCOPES)).token;
  }

  /** Stops and removes everything; every step runs even if an earlier one fails. */
  async shutdown(): Promise<void> {
    this.#stopping = true;
    const failures: unknown[] = [];
    const step = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        failures.push(error);
      }
    };
    // Sources before their consumers, so nothing is left half-sent.
    for (const service of [...this.processes.keys()].reverse()) await step(async () => this.processes.get(service)?.stop(30_000));
    this.processes.clear();
    await step(async () => {
      const admin = this.kafka.admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((name) => name.startsWith(this.topic));
        await admin.deleteTopics({ topics });
      } finally {
        await admin.disconnect();
      }
    });
    await step(() => this.elasticsearch.indices.delete({ index: this.names.pattern, ignore_unavailable: true, allow_no_indices: true }));
    await step(() => this.elasticsearch.indices.deleteIndexTemplate({ name: this.names.templateName }, { ignore: [404] }));
    await step(() => this.elasticsearch.close());
    await step(() => deleteRedisPrefix(this.options.redisUrl === undefined ? redisConnection(this.stack.settings) : redisConnectionOf(this.options.redisUrl), this.redisPrefix));
    await step(() => this.database.drop());
    if (failures.length > 0) throw new AggregateError(failures, 'pipeline shutdown was incomplete');
  }

  async #environment(service: PipelineService): Promise<Record<string, string>> {
    const port = this.ports.get(service) ?? (await freePort());
    this.ports.set(service, port);
    // The stack's own variables (TLS, credentials, secrets as files), then this namespace's database
    // and whatever a fault test points elsewhere (a private broker or Redis, a proxy: all open).
    const stack = {
      ...this.stack.env,
      AUTHLOG_MYSQL_URL: this.database.url,
      ...(this.options.kafkaBrokers === undefined ? {} : { AUTHLOG_KAFKA_BROKERS: this.options.kafkaBrokers.join(',') }),
      ...(this.options.elasticsearchUrl === undefined ? {} : { AUTHLOG_ES_URL: this.options.elasticsearchUrl }),
      ...(this.options.redisUrl === undefined ? {} : { AUTHLOG_REDIS_URL: this.options.redisUrl }),
      SHUTDOWN_DEADLINE_MS: '20000',
    };
    const webhooks = {
      ...(this.options.encryptionKeysFile === undefined ? { AUTHLOG_ENCRYPTION_KEYS: this.encryptionKeys } : { AUTHLOG_ENCRYPTION_KEYS_FILE: this.options.encryptionKeysFile }),
      WEBHOOK_REDIS_PREFIX: this.redisPrefix,
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_SSRF_ALLOW: '127.0.0.1/32',
      WEBHOOK_RETRY_SCHEDULE: this.options.webhookRetrySchedule ?? '0,1s,2s,4s,8s,15s,30s,60s',
      // Tests poll the APIs as fast as they like: rate limits are tested on their own (api-limits).
      WEBHOOK_API_RATE_PER_KEY: '1000000',
      WEBHOOK_API_TEST_PER_KEY: '1000000',
      WEBHOOK_API_REPLAY_PER_KEY: '1000000',
    };
    switch (service) {
      case 'demo-receiver':
        return { ...stack, RECEIVER_PORT: String(port), RECEIVER_SECRETS: this.receiverSecret };
      case 'auth-demo':
        return { ...stack, AUTH_DEMO_PORT: String(port) };
      case 'relay':
        return { ...stack, RELAY_TOPIC: this.topic, RELAY_LEASE_MS: '3000', RELAY_RENEW_INTERVAL_MS: '500' };
      case 'indexer':
        return {
          ...stack,
          INDEXER_TOPIC: this.topic,
          INDEXER_DLQ_TOPIC: `${this.topic}.indexer-dlq`,
          INDEXER_GROUP_ID: `${this.topic}.indexer`,
          INDEXER_INDEX_PREFIX: this.names.prefix,
          INDEXER_SESSION_TIMEOUT_MS: '10000',
        };
      case 'webhook-dispatcher':
        return {
          ...stack,
          ...webhooks,
          WEBHOOK_TOPIC: this.topic,
          WEBHOOK_GROUP_ID: `${this.topic}.webhooks`,
          WEBHOOK_DLQ_TOPIC: `${this.topic}.webhooks-dlq`,
          WEBHOOK_SESSION_TIMEOUT_MS: '10000',
          WEBHOOK_HEARTBEAT_INTERVAL_MS: '1000',
          WEBHOOK_LOCK_MS: '5000',
          WEBHOOK_STALLED_INTERVAL_MS: '5000',
          WEBHOOK_TIMEOUT_MS: '3000',
          WEBHOOK_CONNECT_TIMEOUT_MS: '1000',
          WEBHOOK_ENDPOINT_CACHE_MS: '500',
        };
      case 'webhook-api':
        return { ...stack, ...webhooks, WEBHOOK_API_PORT: String(port) };
      case 'reports':
        return { ...stack, REPORTS_PORT: String(port), REPORTS_INDEX_PREFIX: this.names.prefix, REPORTS_REDIS_PREFIX: this.redisPrefix, REPORTS_RATE_PER_KEY: '1000000' };
      case 'ledger':
        return {
          ...stack,
          WEBHOOK_REDIS_PREFIX: this.redisPrefix,
          WEBHOOK_RETRY_SCHEDULE: webhooks.WEBHOOK_RETRY_SCHEDULE,
          LEDGER_INDEX_PREFIX: this.names.prefix,
          LEDGER_CLOSE_AFTER_SECONDS: '60',
          LEDGER_INTERVAL_MS: '500',
        };
    }
  }
}

async function deleteRedisPrefix(connection: RedisConnection, prefix: string): Promise<void> {
  const redis = createRedis(connection, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // a Redis that is gone (a private one already destroyed) holds nothing to clean
  } finally {
    redis.disconnect();
  }
}
