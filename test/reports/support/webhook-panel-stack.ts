import type { Kysely } from 'kysely';
import { ApiKeyStore } from '../../../shared/auth/api-key-store.js';
import type { Scope } from '../../../shared/auth/scopes.js';
import { loadConfig } from '../../../shared/config/load-config.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { createElasticsearch } from '../../../shared/elasticsearch/create-elasticsearch.js';
import { elasticsearchConnection } from '../../../shared/elasticsearch/elasticsearch-connection.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { redisConnection } from '../../../shared/redis/redis-connection.js';
import { AccountStore } from '../../../services/reports/src/accounts/account-store.js';
import { reportsRedis } from '../../../services/reports/src/reports-redis.js';
import { ReportsService, type ReportsDatabase } from '../../../services/reports/src/reports-service.js';
import { reportsSettings } from '../../../services/reports/src/reports-settings.js';
import { testSettings } from '../../support/settings.js';
import { startApi } from '../../webhooks/support/api-client.js';
import { WebhookFixture, type RunningDispatcher } from '../../webhooks/support/webhook-fixture.js';

export interface WebhookPanelStack {
  readonly fixture: WebhookFixture;
  readonly dispatcher: RunningDispatcher;
  readonly webhookApi: Awaited<ReturnType<typeof startApi>>;
  readonly reports: ReportsService;
  /** The Admin Panel's address (the reports service, proxying the webhook pages to the webhook API). */
  readonly baseUrl: string;
  key(accountId: string, scopes: readonly Scope[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * The real services behind the panel's webhook pages, in one namespace: the webhook API and the
 * dispatcher (test/webhooks' fixture: its own database, topic, Redis prefix), and the reports
 * service on the same database (the API keys are one table) with REPORTS_WEBHOOK_API_URL set.
 */
export async function startWebhookPanelStack(): Promise<WebhookPanelStack> {
  const fixture = await WebhookFixture.create();
  const closers: (() => Promise<unknown>)[] = [() => fixture.cleanup()];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    // Two quick retries (the service's schedule): a failing message is "failed" within a second.
    const dispatcher = await fixture.startDispatcher({ WEBHOOK_RETRY_SCHEDULE: '0,100ms', WEBHOOK_ENDPOINT_CACHE_MS: '200' });
    const webhookApi = await startApi(fixture, { WEBHOOK_RETRY_SCHEDULE: '0,100ms' });
    closers.push(() => webhookApi.stop());
    const config = loadConfig(reportsSettings, {
      AUTHLOG_MYSQL_URL: fixture.database.url,
      AUTHLOG_ES_URL: testSettings.AUTHLOG_ES_URL,
      AUTHLOG_REDIS_URL: testSettings.AUTHLOG_REDIS_URL,
      REPORTS_PORT: '0',
      REPORTS_INDEX_PREFIX: `${fixture.prefix}-none`,
      REPORTS_REDIS_PREFIX: `${fixture.prefix}-reports`,
      REPORTS_LINK_SECRET: 'a-test-secret-that-is-long-enough-0123456789',
      REPORTS_API_KEY_CACHE_MS: '0',
      REPORTS_WEBHOOK_API_URL: webhookApi.baseUrl,
      REPORTS_WEBHOOK_API_TIMEOUT_MS: '5000',
    });
    const db = createDatabase<ReportsDatabase>({ connection: fixture.database.connection, connectionLimit: 3 }).db;
    const reports = new ReportsService({
      config,
      db,
      elasticsearch: createElasticsearch({ connection: elasticsearchConnection(config) }),
      redis: reportsRedis(redisConnection(config), silentLogger),
      registry: createMetricsRegistry('reports-panel-test', { processMetrics: false }),
      logger: silentLogger,
    });
    await reports.start();
    closers.push(() => reports.stop());
    const keys = new ApiKeyStore(fixture.database.db);
    const accounts = new AccountStore(fixture.database.db as unknown as Kysely<ReportsDatabase>);
    return {
      fixture,
      dispatcher,
      webhookApi,
      reports,
      baseUrl: `http://127.0.0.1:${reports.port}`,
      key: async (accountId, scopes) => {
        await accounts.upsert({ accountId, displayName: `Customer ${accountId}`, timeZone: 'UTC' });
        return (await keys.create(accountId, 'panel', scopes)).token;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
