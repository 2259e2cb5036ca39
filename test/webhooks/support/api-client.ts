import { ALL_SCOPES, type Scope } from '../../../shared/auth/scopes.js';
import { ApiKeyStore } from '../../../shared/auth/api-key-store.js';
import { createDatabase } from '../../../shared/db/create-database.js';
import { mysqlConnection } from '../../../shared/db/mysql-connection.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import { createRedis } from '../../../shared/redis/create-redis.js';
import { redisConnection } from '../../../shared/redis/redis-connection.js';
import type { Resolver } from '../../../shared/webhooks/ssrf/address-policy.js';
import type { WebhooksDatabase } from '../../../shared/webhooks/webhook-tables.js';
import { loadWebhookApiSettings, type WebhookApiSettings } from '../../../services/webhook-api/src/webhook-api-settings.js';
import { WebhookApiService, type WebhookApiClients } from '../../../services/webhook-api/src/webhook-api-service.js';
import type { WebhookFixture } from './webhook-fixture.js';

export interface ApiAnswer {
  readonly status: number;
  // Tests read fields of answers freely; the shapes are asserted where they matter.
  readonly body: any;
}

/** A customer of the webhook API: an account and its API key. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly accountId: string,
    readonly token: string | undefined,
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(this.token === undefined ? {} : { authorization: `Bearer ${this.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }
}

/** The clients the API's main builds, for a service run in this process (its stop() closes them). */
export function webhookApiClients(settings: WebhookApiSettings): WebhookApiClients {
  const redis = redisConnection(settings);
  return {
    db: createDatabase<WebhooksDatabase>({ connection: mysqlConnection(settings), connectionLimit: settings.WEBHOOK_MYSQL_CONNECTIONS }).db,
    redis: { commands: createRedis(redis, { maxRetriesPerRequest: 2 }), queue: createRedis(redis, { maxRetriesPerRequest: 2 }) },
  };
}

/** Runs the webhook API in this process against the fixture's database and Redis namespace. */
export async function startApi(fixture: WebhookFixture, overrides: Record<string, string> = {}, resolver?: Resolver) {
  const env = fixture.env({ WEBHOOK_API_PORT: '0', WEBHOOK_API_KEY_CACHE_MS: '0', ...overrides });
  const settings = loadWebhookApiSettings(env);
  const service = new WebhookApiService({
    settings,
    ...webhookApiClients(settings),
    registry: createMetricsRegistry('webhook-api-test', { processMetrics: false }),
    logger: silentLogger,
    ...(resolver === undefined ? {} : { resolver }),
  });
  await service.start();
  const baseUrl = `http://127.0.0.1:${service.port}`;
  const keys = new ApiKeyStore(fixture.database.db);
  return {
    service,
    baseUrl,
    keys,
    /** A new account with its own API key (every scope unless told). */
    customer: async (accountId: string, scopes: readonly Scope[] = ALL_SCOPES) => new ApiClient(baseUrl, accountId, (await keys.create(accountId, 'test', scopes)).token),
    anonymous: () => new ApiClient(baseUrl, '', undefined),
    stop: () => service.stop(),
  };
}
