import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { ApiKeyStore } from '../../../shared/auth/api-key-store.js';
import { ApiKeyManagement } from '../../../shared/auth/api-key-management.js';
import { followRevocations, RedisRevocationNotifier } from '../../../shared/auth/api-key-revocations.js';
import { AuditLogStore } from '../../../shared/audit/audit-log-store.js';
import type { AuditLogDatabase } from '../../../shared/audit/audit-log-table.js';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import { keyRingOf } from '../../../shared/crypto/encryption-settings.js';
import { redisConnection } from '../../../shared/redis/redis-connection.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { DeliveryQueue } from '../../../shared/webhooks/delivery-queue.js';
import { NextAttempts, delayedSetOf } from './next-attempts.js';
import { AttemptRollup } from './stats/attempt-rollup.js';
import { RollupLoop } from './stats/rollup-loop.js';
import type { StatsTables } from './stats/stats-tables.js';
import { EndpointChangePublisher, endpointChangesChannel } from '../../../shared/webhooks/endpoint-changes.js';
import { EndpointStore } from '../../../shared/webhooks/endpoint-store.js';
import { MessageStore } from '../../../shared/webhooks/message-store.js';
import { assertPersistentRedis } from '../../../shared/webhooks/redis-persistence.js';
import { SecretStore } from '../../../shared/webhooks/secret-store.js';
import { systemResolver, type Resolver } from '../../../shared/webhooks/ssrf/address-policy.js';
import { addressPolicyOf, endpointOverrideBoundsOf, retryScheduleOf } from '../../../shared/webhooks/webhook-settings.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import type { WebhookApiSettings } from './webhook-api-settings.js';
import { buildApp, type WebhookApiLimits } from './build-app.js';
import { RateLimiter } from '../../../shared/http/rate-limiter.js';
import { registeredRoutes, type RegisteredRoute } from '../../../shared/http/openapi/registered-routes.js';
import { DeliveryRequests } from './delivery-requests.js';
import { requestSchemas } from './request-schemas.js';
import { runShutdownSteps, type ShutdownStep } from '../../../shared/ops/shutdown-steps.js';

import { operationalNoticesCounter } from '../../../shared/webhooks/operational/operational-metrics.js';
import { OperationalEndpointStore } from '../../../shared/webhooks/operational/operational-endpoint-store.js';
import { OperationalQueue, operationalQueueSettings } from '../../../shared/webhooks/operational/operational-queue.js';
import type { OperationalTables } from '../../../shared/webhooks/operational/operational-tables.js';
/** The clients main builds (like every service's) and stop() closes. */
export interface WebhookApiClients {
  readonly db: Kysely<WebhooksDatabase>;
  /** `commands`: rate limits and endpoint-change notices; `queue`: the delivery queue (BullMQ). */
  readonly redis: { readonly commands: Redis; readonly queue: Redis };
  /** Checked before start. */
  readonly probes?: readonly ConnectionProbe[];
}

export interface WebhookApiOptions extends WebhookApiClients {
  readonly settings: WebhookApiSettings;
  readonly registry: Registry;
  readonly logger: Logger;
  /** For tests: how the API resolves endpoint host names when validating URLs. */
  readonly resolver?: Resolver;
}

/**
 * The customer-facing webhook API. Stateless: scale it with request load behind a load balancer;
 * it shares MySQL with the dispatcher and enqueues into the dispatcher's queue (tests, replays).
 */
export class WebhookApiService implements RunnableService {
  readonly #options: WebhookApiOptions;
  readonly #redis: { commands: Redis; queue: Redis };
  readonly #db: Kysely<WebhooksDatabase>;
  readonly #queue: DeliveryQueue;
  readonly #notices: OperationalQueue;
  readonly #app: FastifyInstance;
  readonly #probes: readonly ConnectionProbe[];
  readonly #apiKeys: ApiKeyStore;
  /** A connection of its own for the revocation feed (a subscribed connection can do nothing else). */
  readonly #revocations: Redis;
  readonly #rollup: RollupLoop;
  #port: number | undefined;
  #stopping: Promise<void> | undefined;

  constructor(options: WebhookApiOptions) {
    this.#options = options;
    const { settings, logger, registry } = options;
    this.#redis = options.redis;
    for (const [name, client] of Object.entries(this.#redis)) client.on('error', (error) => logger.debug({ err: error, connection: name }, 'redis connection error'));
    this.#db = options.db;
    this.#probes = options.probes ?? [];
    this.#queue = new DeliveryQueue(this.#redis.queue, { name: settings.WEBHOOK_QUEUE, prefix: settings.WEBHOOK_REDIS_PREFIX }, retryScheduleOf(settings), logger);
    const keys = keyRingOf(settings);
    const queueSettings = { name: settings.WEBHOOK_QUEUE, prefix: settings.WEBHOOK_REDIS_PREFIX };
    this.#notices = new OperationalQueue(this.#redis.queue, operationalQueueSettings(queueSettings), retryScheduleOf(settings), operationalNoticesCounter(registry), logger);
    const endpoints = new EndpointStore(this.#db, keys);
    const messages = new MessageStore(this.#db);
    this.#apiKeys = new ApiKeyStore(this.#db, settings.WEBHOOK_API_KEY_CACHE_MS);
    // Lazy: it connects when followRevocations subscribes, after its error listener is on (a refused
    // password would otherwise surface as an unhandled ioredis error with a stack trace).
    this.#revocations = this.#redis.commands.duplicate({ lazyConnect: true });
    this.#rollup = new RollupLoop(new AttemptRollup(this.#db.withTables<StatsTables>()), settings.WEBHOOK_STATS_ROLLUP_INTERVAL_MS, logger, registry);
    this.#app = buildApp({
      apiKeys: this.#apiKeys,
      limiter: new RateLimiter(this.#redis.commands, { prefix: settings.WEBHOOK_REDIS_PREFIX, service: 'webhook_api', registry, logger }),
      limits: webhookApiLimits(settings),
      timeouts: settings,
      trustedProxies: settings.WEBHOOK_API_TRUSTED_PROXIES,
      logger,
      registry,
      idempotency: { redis: this.#redis.commands, prefix: settings.WEBHOOK_REDIS_PREFIX },
      endpointRoutes: {
        endpoints,
        secrets: new SecretStore(this.#db, endpoints, keys),
        changes: new EndpointChangePublisher(this.#redis.commands, endpointChangesChannel(settings.WEBHOOK_REDIS_PREFIX), logger),
        schemas: requestSchemas({ defaultMaxConcurrency: settings.WEBHOOK_DEFAULT_MAX_CONCURRENCY, maxConcurrencyLimit: settings.WEBHOOK_MAX_CONCURRENCY_LIMIT }),
        policy: addressPolicyOf(settings),
        resolver: options.resolver ?? systemResolver,
        maxEndpointsPerAccount: settings.WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT,
        secretGraceMs: settings.WEBHOOK_SECRET_GRACE_MS,
        overrideBounds: endpointOverrideBoundsOf(settings),
        notices: this.#notices,
      },
      operationalRoutes: { operational: new OperationalEndpointStore(this.#db.withTables<OperationalTables>(), keys), db: this.#db },
      deliveryRoutes: {
        db: this.#db,
        messages,
        nextAttempts: new NextAttempts(this.#redis.queue, delayedSetOf(this.#queue)),
        requests: new DeliveryRequests(endpoints, messages, this.#queue, this.#db, {
          recoverMaxAgeMs: settings.WEBHOOK_RECOVER_MAX_AGE_MS,
          recoverMaxMessages: settings.WEBHOOK_RECOVER_MAX_MESSAGES,
        }),
      },
      statsRoutes: {
        db: this.#db.withTables<StatsTables>(),
        redis: this.#redis.queue,
        queueKeys: { wait: queueKey(this.#queue, 'wait'), delayed: delayedSetOf(this.#queue) },
      },
      keyRoutes: {
        keys: this.#apiKeys,
        management: new ApiKeyManagement(this.#db, this.#apiKeys, new RedisRevocationNotifier(this.#redis.commands, settings.AUTHLOG_API_KEY_REVOCATIONS_CHANNEL, logger)),
        audit: new AuditLogStore(this.#db.withTables<AuditLogDatabase>()),
      },
    });
  }

  /** Every route the app registered (the OpenAPI drift test holds them to the document). */
  get routes(): readonly RegisteredRoute[] {
    return registeredRoutes(this.#app);
  }

  /** The bound port (useful with WEBHOOK_API_PORT=0). */
  get port(): number {
    if (this.#port === undefined) throw new Error('the webhook API is not listening');
    return this.#port;
  }

  async start(): Promise<void> {
    const { settings, logger } = this.#options;
    await assertPersistentRedis(this.#redis.commands, redisConnection(settings).display, logger);
    await followRevocations(this.#revocations, settings.AUTHLOG_API_KEY_REVOCATIONS_CHANNEL, this.#apiKeys, logger);
    await this.#app.listen({ host: settings.WEBHOOK_API_HOST, port: settings.WEBHOOK_API_PORT });
    const address = this.#app.server.address();
    this.#port = typeof address === 'object' && address !== null ? address.port : settings.WEBHOOK_API_PORT;
    this.#rollup.start();
    logger.info({ host: settings.WEBHOOK_API_HOST, port: this.#port }, 'webhook API listening');
  }

  connectionProbes(): readonly ConnectionProbe[] {
    return this.#probes;
  }

  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  health(): Omit<HealthReport, 'state'> {
    const redis = this.#redis.commands.status;
    return { status: redis === 'ready' ? 'ok' : 'degraded', checks: { redis } };
  }

  /** Finishes requests in flight, then closes clients; every step runs even if one fails. */
  async #stop(): Promise<void> {
    const steps: ShutdownStep[] = [
      ['HTTP server', () => this.#app.close()],
      ['statistics rollup', () => this.#rollup.stop()],
      ['delivery queue', () => this.#queue.close()],
      ['operational queue', () => this.#notices.close()],
      ['MySQL', () => this.#db.destroy()],
      ...Object.entries({ ...this.#redis, revocations: this.#revocations }).map(([name, client]): ShutdownStep => [`redis ${name}`, () => client.quit().then(() => undefined, () => client.disconnect())]),
    ];
    await runShutdownSteps(steps, this.#options.logger);
  }
}

function webhookApiLimits(settings: WebhookApiSettings): WebhookApiLimits {
  const windowMs = settings.WEBHOOK_API_RATE_WINDOW_MS;
  return {
    perKey: { name: 'key', max: settings.WEBHOOK_API_RATE_PER_KEY, windowMs },
    authFailuresPerAddress: { name: 'auth-failures', max: settings.WEBHOOK_API_AUTH_FAILURES_PER_ADDRESS, windowMs },
    test: { name: 'test', max: settings.WEBHOOK_API_TEST_PER_KEY, windowMs },
    replay: { name: 'replay', max: settings.WEBHOOK_API_REPLAY_PER_KEY, windowMs },
  };
}

/** A Redis key of the delivery queue (BullMQ's `wait` list, `delayed` set...). */
function queueKey(queue: DeliveryQueue, name: string): string {
  const key = queue.queue.keys[name];
  if (key === undefined) throw new Error(`BullMQ queue without a ${name} key`);
  return key;
}
