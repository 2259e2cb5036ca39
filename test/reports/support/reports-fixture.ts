import { ALL_SCOPES } from '../../../shared/auth/scopes.js';
import type { Client } from '@elastic/elasticsearch';
import type { Kysely } from 'kysely';
import { ApiKeyStore } from '../../../shared/auth/api-key-store.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { eventIndexNames, type EventIndexNames } from '../../../shared/elasticsearch/event-index.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { AccountStore } from '../../../services/reports/src/accounts/account-store.js';
import { ReportsService, type ReportsDatabase } from '../../../services/reports/src/reports-service.js';
import { reportsSettings } from '../../../services/reports/src/reports-settings.js';
import { testSettings } from '../../support/settings.js';
import { createTestDatabase, type TestDatabase } from '../../support/test-database.js';
import { uniqueName } from '../../support/unique-name.js';
import { generateDataset, type Dataset } from './dataset.js';
import { deleteEventIndices, indexAuthlogDirectly, recordEvents } from './load-events.js';
import { loadThroughPipeline } from './pipeline-loader.js';
import { elasticsearchConnection } from '../../../shared/elasticsearch/elasticsearch-connection.js';
import { redisConnection } from '../../../shared/redis/redis-connection.js';
import { reportsRedis } from '../../../services/reports/src/reports-redis.js';
import type { RegisteredRoute } from '../../../shared/http/openapi/registered-routes.js';

export interface ReportsFixture {
  readonly database: TestDatabase;
  readonly elasticsearch: Client;
  readonly names: EventIndexNames;
  readonly dataset: Dataset;
  readonly baseUrl: string;
  /** An API key per dataset account. */
  readonly tokens: ReadonlyMap<string, string>;
  readonly apiKeys: ApiKeyStore;
  /** Every route the service's app registered (for the OpenAPI drift test). */
  routes(): readonly RegisteredRoute[];
  /** GET with the first account's key, another key, or none (null). */
  get(path: string, params?: Record<string, string | number | boolean | undefined>, token?: string | null): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * A reports service (in process, random port) over a fresh database and index prefix, loaded with a
 * generated dataset: recorded in MySQL with the OutboxWriter, then put into Elasticsearch by
 * `load` (default: indexAuthlogDirectly). Each dataset account gets its time zone and an API key.
 */
export async function startReportsFixture(options: {
  events: number;
  seed?: number;
  env?: Record<string, string>;
  /** The swappable step that gets the authlog rows into Elasticsearch (default: indexAuthlogDirectly). */
  load?: 'direct' | 'pipeline';
}): Promise<ReportsFixture> {
  const database = await createTestDatabase();
  const prefix = uniqueName('rep').toLowerCase();
  const names = eventIndexNames(prefix);
  const elasticsearch = createElasticsearch({ connection: elasticsearchConnection(testSettings) });
  const db = database.db as unknown as Kysely<ReportsDatabase> & TestDatabase['db'];
  let service: ReportsService | undefined;
  const close = async () => {
    await service?.stop().catch(() => undefined);
    await deleteEventIndices(elasticsearch, names);
    await elasticsearch.close();
    await database.drop();
  };
  try {
    const dataset = generateDataset({ prefix, events: options.events, seed: options.seed ?? 7 });
    await recordEvents(database.db, dataset.events);
    if (options.load === 'pipeline') await loadThroughPipeline(database.db, elasticsearch, names, { databaseUrl: database.url });
    else await indexAuthlogDirectly(database.db, elasticsearch, names);

    const accounts = new AccountStore(db);
    const apiKeys = new ApiKeyStore(db, 0);
    const tokens = new Map<string, string>();
    for (const account of dataset.accounts) {
      await accounts.upsert({ accountId: account.accountId, displayName: `Customer ${account.accountId}`, timeZone: account.timeZone });
      tokens.set(account.accountId, (await apiKeys.create(account.accountId, 'tests', ALL_SCOPES)).token);
    }
    const config = loadConfig(reportsSettings, {
      AUTHLOG_MYSQL_URL: database.url,
      AUTHLOG_ES_URL: testSettings.AUTHLOG_ES_URL,
      REPORTS_PORT: '0',
      REPORTS_INDEX_PREFIX: prefix,
      REPORTS_MAX_RANGE_DAYS: '120',
      REPORTS_LINK_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      REPORTS_API_KEY_CACHE_MS: '0',
      AUTHLOG_REDIS_URL: testSettings.AUTHLOG_REDIS_URL,
      REPORTS_REDIS_PREFIX: prefix,
      // The dataset lies in autumn 2026, weeks before "now": look back far enough to find it.
      REPORTS_FRESHNESS_WINDOW_DAYS: '366',
      ...options.env,
    });
    // The service gets clients of its own: stop() closes them.
    const serviceDb = createDatabase<ReportsDatabase>({ connection: database.connection, connectionLimit: 5 }).db;
    service = new ReportsService({ config, db: serviceDb, elasticsearch: createElasticsearch({ connection: elasticsearchConnection(config) }), redis: reportsRedis(redisConnection(config), silentLogger), registry: createMetricsRegistry('reports-test', { processMetrics: false }), logger: silentLogger });
    await service.start();
    const baseUrl = `http://127.0.0.1:${service.port}`;
    const defaultToken = tokens.get(dataset.accounts[0]?.accountId ?? '');
    return {
      database,
      elasticsearch,
      names,
      dataset,
      baseUrl,
      tokens,
      apiKeys,
      routes: () => service?.routes ?? [],
      get: async (path, params = {}, token = defaultToken) => {
        const query = new URLSearchParams();
        for (const [name, value] of Object.entries(params)) if (value !== undefined) query.set(name, String(value));
        const response = await fetch(`${baseUrl}${path}${query.size === 0 ? '' : `?${query}`}`, { headers: token === null || token === undefined ? {} : { authorization: `Bearer ${token}` } });
        const text = await response.text();
        return { status: response.status, body: response.headers.get('content-type')?.startsWith('application/json') === true ? JSON.parse(text) : text, headers: response.headers };
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
