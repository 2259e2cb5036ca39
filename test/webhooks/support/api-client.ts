import { ApiKeyStore } from '../../../shared/auth/api-key-store.js';
import { silentLogger } from '../../../shared/log/logger.js';
import { createMetricsRegistry } from '../../../shared/ops/metrics.js';
import type { Resolver } from '../../../shared/webhooks/ssrf/address-policy.js';
import { loadWebhookApiSettings } from '../../../services/webhook-api/src/webhook-api-settings.js';
import { WebhookApiService } from '../../../services/webhook-api/src/webhook-api-service.js';
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
    private readonly token: string | undefined,
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

/** Runs the webhook API in this process against the fixture's database and Redis namespace. */
export async function startApi(fixture: WebhookFixture, overrides: Record<string, string> = {}, resolver?: Resolver) {
  const env = fixture.env({ WEBHOOK_API_PORT: '0', WEBHOOK_API_KEY_CACHE_MS: '0', ...overrides });
  const service = new WebhookApiService({
    settings: loadWebhookApiSettings(env),
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
    /** A new account with its own API key. */
    customer: async (accountId: string) => new ApiClient(baseUrl, accountId, (await keys.create(accountId, 'test')).token),
    anonymous: () => new ApiClient(baseUrl, '', undefined),
    stop: () => service.stop(),
  };
}
