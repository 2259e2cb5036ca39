import { ALL_SCOPES } from '../../shared/auth/scopes.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { ApiKeyStore } from '../../shared/auth/api-key-store.js';
import { silentLogger } from '../../shared/log/logger.js';
import { createMetricsRegistry } from '../../shared/ops/metrics.js';
import { loadWebhookApiSettings } from '../../services/webhook-api/src/webhook-api-settings.js';
import { WebhookApiService } from '../../services/webhook-api/src/webhook-api-service.js';
import { testSettings } from '../support/settings.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { uniqueName } from '../support/unique-name.js';
import { ApiClient, startApi, webhookApiClients } from './support/api-client.js';
import { WebhookFixture } from './support/webhook-fixture.js';

/**
 * Issue 13 item 3 on the webhook API, against the real service, MySQL and Redis: per-key limits,
 * own quotas for test and replay, refused keys limited per address, unknown key ids not looked up
 * again and again, and the limiter failing open (counted) when Redis is away.
 */
let fixture: WebhookFixture;
beforeAll(async () => {
  fixture = await WebhookFixture.create();
});
afterAll(() => fixture?.cleanup());

const publicResolver = async () => ['93.184.216.34'];

describe('endpoint limit under concurrent creates (issue 13.8)', () => {
  it('holds: 20 creates at once for an account allowed 3 make exactly 3 endpoints', async () => {
    const api = await startApi(fixture, { WEBHOOK_MAX_ENDPOINTS_PER_ACCOUNT: '3', WEBHOOK_REDIS_PREFIX: uniqueName('limit') }, publicResolver);
    try {
      const customer = await api.customer(uniqueName('burst'));
      const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => customer.call('POST', '/v1/endpoints', { url: `https://hooks.example.com/${n}` })));
      expect(answers.filter((answer) => answer.status === 201)).toHaveLength(3);
      expect(answers.filter((answer) => answer.status === 409).map((answer) => answer.body.error.code)).toEqual(Array(17).fill('ENDPOINT_LIMIT_REACHED'));
      expect(await fixture.endpoints.count(customer.accountId)).toBe(3);
      // Another account is not held up by the first one's lock, and has its own limit.
      expect((await (await api.customer(uniqueName('other'))).call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/o' })).status).toBe(201);
    } finally {
      await api.stop();
    }
  });
});

describe('webhook API rate limits', () => {
  it('test and replay have quotas of their own, answered 429 RATE_LIMITED with Retry-After', async () => {
    const api = await startApi(fixture, { WEBHOOK_API_TEST_PER_KEY: '2', WEBHOOK_API_REPLAY_PER_KEY: '2', WEBHOOK_REDIS_PREFIX: uniqueName('quota') }, publicResolver);
    try {
      const customer = await api.customer(uniqueName('quota'));
      const id = (await customer.call('POST', '/v1/endpoints', { url: 'https://hooks.example.com/q' })).body.id as string;
      const tests = [];
      for (let n = 0; n < 3; n += 1) tests.push(await customer.call('POST', `/v1/endpoints/${id}/test`));
      expect(tests.map((answer) => answer.status)).toEqual([202, 202, 429]);
      expect(tests[2]!.body.error.code).toBe('RATE_LIMITED');
      const replays = [];
      for (let n = 0; n < 3; n += 1) replays.push(await customer.call('POST', `/v1/endpoints/${id}/messages/msg_none/replay`));
      expect(replays.map((answer) => answer.status)).toEqual([404, 404, 429]);
      // The key's other requests are not affected by those quotas.
      expect((await customer.call('GET', `/v1/endpoints/${id}`)).status).toBe(200);
      const limited = await fetch(`${api.baseUrl}/v1/endpoints/${id}/test`, { method: 'POST', headers: { authorization: `Bearer ${(customer as unknown as { token: string }).token}` } });
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await api.stop();
    }
  });

  it('limits each key, and refused keys per client address, across instances (Redis)', async () => {
    const prefix = uniqueName('rate');
    const overrides = { WEBHOOK_API_RATE_PER_KEY: '10', WEBHOOK_API_AUTH_FAILURES_PER_ADDRESS: '4', WEBHOOK_REDIS_PREFIX: prefix };
    const [one, two] = [await startApi(fixture, overrides, publicResolver), await startApi(fixture, overrides, publicResolver)];
    try {
      const { token } = await one.keys.create(uniqueName('rate'), 'rate', ALL_SCOPES);
      const statuses: number[] = [];
      for (let n = 0; n < 12; n += 1) statuses.push((await new ApiClient(n % 2 === 0 ? one.baseUrl : two.baseUrl, '', token).call('GET', '/v1/endpoints')).status);
      expect(statuses).toEqual([...Array(10).fill(200), 429, 429]);

      const bad = new ApiClient(one.baseUrl, '', `alk_${'Q'.repeat(16)}_${'w'.repeat(43)}`);
      const badStatuses: number[] = [];
      for (let n = 0; n < 6; n += 1) badStatuses.push((await (n % 2 === 0 ? bad : new ApiClient(two.baseUrl, '', `alk_${'Q'.repeat(16)}_${'w'.repeat(43)}`)).call('GET', '/v1/endpoints')).status);
      expect(badStatuses).toEqual([401, 401, 401, 401, 429, 429]);
    } finally {
      await one.stop();
      await two.stop();
    }
  });

  it('caches unknown key ids briefly, so a flood of made-up keys does not query MySQL each time', async () => {
    const keyId = randomBytes(12).toString('hex').slice(0, 16);
    const secret = randomBytes(32).toString('base64url');
    const token = `alk_${keyId}_${secret}`;
    const cached = new ApiKeyStore(fixture.database.db, 30_000, { unknownTtlMs: 30_000 });
    expect(await cached.authenticate(token)).toBeUndefined();
    // The id appears in MySQL behind the cache's back: a store that asked MySQL again would find it.
    await fixture.database.db
      .insertInto('api_keys')
      .values({ key_id: keyId, account_id: uniqueName('flood'), secret_sha256: createHash('sha256').update(secret).digest(), name: 'late' })
      .execute();
    expect(await cached.authenticate(token)).toBeUndefined();
    expect(await new ApiKeyStore(fixture.database.db, 0).authenticate(token)).toMatchObject({ keyId });
  });

  it('lets requests through when Redis does not answer, and counts them (fail open)', async () => {
    const redis = new URL(testSettings.AUTHLOG_REDIS_URL);
    const proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port) });
    const registry = createMetricsRegistry('webhook-api-test', { processMetrics: false });
    const settings = loadWebhookApiSettings(fixture.env({ WEBHOOK_API_PORT: '0', AUTHLOG_REDIS_URL: `redis://127.0.0.1:${proxy.port}`, WEBHOOK_REDIS_PREFIX: uniqueName('open') }));
    const service = new WebhookApiService({
      settings,
      ...webhookApiClients(settings),
      registry,
      logger: silentLogger,
    });
    await service.start();
    try {
      const { token } = await new ApiKeyStore(fixture.database.db).create(uniqueName('open'), 'open', ALL_SCOPES);
      const client = new ApiClient(`http://127.0.0.1:${service.port}`, '', token);
      expect((await client.call('GET', '/v1/endpoints')).status).toBe(200);
      await proxy.cut();
      const started = Date.now();
      expect((await client.call('GET', '/v1/endpoints')).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(await registry.metrics()).toMatch(/webhook_api_rate_limit_unchecked_total\{[^}]*limit="key"[^}]*\} [1-9]/);
    } finally {
      await proxy.restore();
      await service.stop();
      await proxy.close();
    }
  });
});
