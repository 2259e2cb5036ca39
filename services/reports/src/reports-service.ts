import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Client } from '@elastic/elasticsearch';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Registry } from 'prom-client';
import { ApiKeyStore } from '../../../shared/auth/api-key-store.js';
import { followRevocations } from '../../../shared/auth/api-key-revocations.js';
import type { ConnectionProbe } from '../../../shared/connections/connection-probe.js';
import type { ApiKeysTable, AuthlogTable } from '../../../shared/db/database.js';
import { eventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import type { Logger } from '../../../shared/log/logger.js';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RunnableService } from '../../../shared/ops/run-service.js';
import { runShutdownSteps } from '../../../shared/ops/shutdown-steps.js';
import { sleep } from '../../../shared/util/sleep.js';
import { RateLimiter } from '../../../shared/http/rate-limiter.js';
import { registeredRoutes, type RegisteredRoute } from '../../../shared/http/openapi/registered-routes.js';
import { AccountStore, type AccountsTable } from './accounts/account-store.js';
import { AuthlogRecordedEvents } from './accounts/authlog-recorded-events.js';
import { ExportLinks } from './auth-log/export-links.js';
import { LinkRedemptions } from './auth-log/link-redemptions.js';
import { AccountConcurrency } from './http/account-concurrency.js';
import type { ApiDependencies } from './http/api-dependencies.js';
import { buildApp } from './http/build-app.js';
import { FreshnessProbe } from './reports/freshness.js';
import { createReportsMetrics } from './reports-metrics.js';
import type { ReportsSettings } from './reports-settings.js';
import { EventSearch } from './search/event-search.js';
import { EventTracer } from './trace/event-tracer.js';
import type { TraceDatabase } from './trace/trace-database.js';
import { CompletenessReport } from './completeness/completeness-report.js';
import type { CompletenessDatabase } from '../../../shared/db/completeness-tables.js';

export type ReportsDatabase = { api_keys: ApiKeysTable; accounts: AccountsTable; authlog: AuthlogTable } & TraceDatabase & CompletenessDatabase;

export interface ReportsServiceOptions {
  readonly config: ReportsSettings;
  readonly db: Kysely<ReportsDatabase>;
  readonly elasticsearch: Client;
  /** Rate-limit windows and spent download links, shared by every instance (closed by stop()). */
  readonly redis: Redis;
  readonly registry: Registry;
  readonly logger: Logger;
  /** Checked before start (main passes the probes of the clients it built). */
  readonly probes?: readonly ConnectionProbe[];
}

/**
 * The reports API and Admin Panel as a RunnableService: start() binds the port, stop() stops taking
 * requests, lets those in flight finish (exports included, within the runner's deadline) and closes
 * the clients. Health is Elasticsearch's reachability: without it no report can be answered.
 */
export class ReportsService implements RunnableService {
  #app: FastifyInstance | undefined;
  #stopped: Promise<void> | undefined;
  readonly #search: EventSearch;
  readonly #apiKeys: ApiKeyStore;
  /** A connection of its own for the revocation feed (a subscribed connection can do nothing else). */
  readonly #revocations: Redis;

  constructor(private readonly options: ReportsServiceOptions) {
    this.#apiKeys = new ApiKeyStore(options.db, options.config.REPORTS_API_KEY_CACHE_MS);
    // Lazy: it connects when followRevocations subscribes, after its error listener is on (a refused
    // password would otherwise surface as an unhandled ioredis error with a stack trace).
    this.#revocations = options.redis.duplicate({ lazyConnect: true });
    this.#search = new EventSearch(options.elasticsearch, eventIndexNames(options.config.REPORTS_INDEX_PREFIX), { requestTimeoutMs: options.config.REPORTS_ES_TIMEOUT_MS });
  }

  /** Every route the app registered, once started (the OpenAPI drift test holds them to the document). */
  get routes(): readonly RegisteredRoute[] {
    return this.#app === undefined ? [] : registeredRoutes(this.#app);
  }

  /** The bound port (useful with REPORTS_PORT=0). */
  get port(): number {
    const address = this.#app?.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  connectionProbes(): readonly ConnectionProbe[] {
    return this.options.probes ?? [];
  }

  async start(): Promise<void> {
    const { config, logger } = this.options;
    if (config.REPORTS_LINK_SECRET === undefined) logger.warn({}, 'REPORTS_LINK_SECRET is not set: download links work only on the instance that made them');
    // Links fail closed without Redis: be connected before the first request comes.
    if (this.options.redis.status !== 'ready') {
      const waited = new AbortController();
      await Promise.race([once(this.options.redis, 'ready', { signal: waited.signal }).catch(() => undefined), sleep(5_000, waited.signal)]);
      waited.abort();
    }
    if (this.options.redis.status !== 'ready') logger.warn({ status: this.options.redis.status }, 'Redis is not ready: rate limits pass unchecked and downloads answer 503 until it is');
    await followRevocations(this.#revocations, config.AUTHLOG_API_KEY_REVOCATIONS_CHANNEL, this.#apiKeys, logger);
    this.#app = await buildApp(this.#dependencies());
    await this.#app.listen({ port: config.REPORTS_PORT, host: config.REPORTS_HOST });
    logger.info({ port: this.port, panel: `http://${config.REPORTS_HOST}:${this.port}/panel/` }, 'reports API and Admin Panel listening');
  }

  stop(): Promise<void> {
    const { redis } = this.options;
    this.#stopped ??= runShutdownSteps(
      [
        ['HTTP server', async () => this.#app?.close()],
        ['Elasticsearch client', () => this.options.elasticsearch.close()],
        ['MySQL', () => this.options.db.destroy()],
        ['Redis', () => redis.quit().then(() => undefined, () => redis.disconnect())],
        ['Redis revocation feed', () => this.#revocations.quit().then(() => undefined, () => this.#revocations.disconnect())],
      ],
      this.options.logger,
    );
    return this.#stopped;
  }

  async health(): Promise<Omit<HealthReport, 'state'>> {
    const elasticsearch = await this.#search.ping(1_000);
    return { status: elasticsearch ? 'ok' : 'failing', checks: { elasticsearch: elasticsearch ? 'reachable' : 'unreachable', listening: this.#app !== undefined } };
  }

  #dependencies(): ApiDependencies {
    const { config, db, logger, registry } = this.options;
    return {
      search: this.#search,
      accounts: new AccountStore(db, 30_000),
      apiKeys: this.#apiKeys,
      linkRedemptions: new LinkRedemptions(this.options.redis, config.REPORTS_REDIS_PREFIX),
      idempotency: { redis: this.options.redis, prefix: config.REPORTS_REDIS_PREFIX },
      limiter: new RateLimiter(this.options.redis, { prefix: config.REPORTS_REDIS_PREFIX, service: 'reports', registry, logger }),
      limits: {
        perKey: { name: 'key', max: config.REPORTS_RATE_PER_KEY, windowMs: config.REPORTS_RATE_WINDOW_MS },
        authFailuresPerAddress: { name: 'auth-failures', max: config.REPORTS_AUTH_FAILURES_PER_ADDRESS, windowMs: config.REPORTS_RATE_WINDOW_MS },
      },
      timeouts: config,
      trustedProxies: config.REPORTS_TRUSTED_PROXIES,
      registry,
      freshness: new FreshnessProbe(this.#search, new AuthlogRecordedEvents(db), { cacheMs: config.REPORTS_FRESHNESS_CACHE_MS, windowDays: config.REPORTS_FRESHNESS_WINDOW_DAYS }),
      tracer: new EventTracer(db, this.#search, { marginMs: config.REPORTS_PIPELINE_MARGIN_SECONDS * 1000 }),
      completeness: new CompletenessReport(db, config.REPORTS_INDEX_PREFIX),
      exportLinks: new ExportLinks(config.REPORTS_LINK_SECRET === undefined ? randomBytes(32) : Buffer.from(config.REPORTS_LINK_SECRET), config.REPORTS_LINK_TTL_MS),
      expensive: new AccountConcurrency(config.REPORTS_MAX_EXPENSIVE_PER_ACCOUNT),
      settings: {
        range: { maxDays: config.REPORTS_MAX_RANGE_DAYS, defaultDays: config.REPORTS_DEFAULT_RANGE_DAYS },
        reports: { precisionThreshold: config.REPORTS_PRECISION_THRESHOLD, compositePageSize: config.REPORTS_COMPOSITE_PAGE_SIZE, termsShardSize: config.REPORTS_TERMS_SHARD_SIZE },
        maxPageSize: config.REPORTS_MAX_PAGE_SIZE,
        totalHitsLimit: config.REPORTS_TOTAL_HITS_LIMIT,
        maxHistogramBuckets: config.REPORTS_MAX_BUCKETS,
        exportPageSize: config.REPORTS_EXPORT_PAGE_SIZE,
        exportKeepAlive: config.REPORTS_EXPORT_KEEP_ALIVE,
      },
      logger,
      metrics: createReportsMetrics(registry),
      webhookApi: config.REPORTS_WEBHOOK_API_URL === undefined ? undefined : { baseUrl: config.REPORTS_WEBHOOK_API_URL, timeoutMs: config.REPORTS_WEBHOOK_API_TIMEOUT_MS },
      panel: { dir: panelDirectory(), chartJsFile: resolve(dirname(new URL(import.meta.resolve('chart.js')).pathname), 'chart.umd.min.js') },
    };
  }
}

/** services/reports/public, from the sources (tests) or from dist/ (compiled): the files are not compiled. */
function panelDirectory(): string {
  const here = import.meta.dirname;
  const candidates = [resolve(here, '..', 'public'), resolve(here, '..', '..', '..', '..', 'services', 'reports', 'public')];
  const found = candidates.find((candidate) => existsSync(resolve(candidate, 'index.html')));
  if (found === undefined) throw new Error(`Admin Panel files not found (looked in ${candidates.join(', ')})`);
  return found;
}
