import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyManagement } from '../../shared/auth/api-key-management.js';
import { RedisRevocationNotifier } from '../../shared/auth/api-key-revocations.js';
import { createRedis } from '../../shared/redis/create-redis.js';
import { redisConnection } from '../../shared/redis/redis-connection.js';
import { silentLogger } from '../../shared/log/logger.js';
import { reportsPolicies } from '../../services/reports/src/http/route-policies.js';
import { testSettings } from '../support/settings.js';
import { startReportsFixture, type ReportsFixture } from './support/reports-fixture.js';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../shared/config/load-config.js';
import { apiKeySettings } from '../../shared/auth/api-key-settings.js';

/** The channel every service uses unless told otherwise (the fixture's service is not told). */
const reportsSettingsDefaults = loadConfig(apiKeySettings, {});

/** Scopes on the reports API, and revocations made elsewhere (the webhook API's key management) reaching it at once. */
let fixture: ReportsFixture;
let account: string;
let redis: Redis;

beforeAll(async () => {
  // Keys cached for 30 s: only the revocation feed can make the API refuse one sooner.
  fixture = await startReportsFixture({ events: 50, seed: 5, env: { REPORTS_API_KEY_CACHE_MS: '30000' } });
  account = fixture.dataset.accounts[0]!.accountId;
  redis = createRedis(redisConnection(testSettings), { maxRetriesPerRequest: 1 });
});
afterAll(async () => {
  await redis?.quit();
  await fixture?.close();
});

describe('reports API scopes', () => {
  it('refuses every keyed route to a key without logs:read, with 403 INSUFFICIENT_SCOPE naming it', async () => {
    const { token } = await fixture.apiKeys.create(account, 'webhooks only', ['webhooks:read', 'webhooks:write', 'keys:admin']);
    const routes = Object.keys(reportsPolicies);
    expect(routes.length).toBeGreaterThan(10);
    for (const route of routes) {
      const [method = '', path = ''] = route.split(' ');
      const response = await fetch(`${fixture.baseUrl}${path.replace(':txid', 'tx-1')}`, { method, headers: { authorization: `Bearer ${token}` } });
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect([route, response.status, body.error.code]).toEqual([route, 403, 'INSUFFICIENT_SCOPE']);
      expect(body.error.message).toContain('logs:read');
    }
    const reader = await fixture.apiKeys.create(account, 'reader', ['logs:read']);
    expect((await fixture.get('/v1/account', {}, reader.token)).status).toBe(200);
  });

  it('refuses a key revoked through key management at once, though it was cached', async () => {
    const { keyId, token } = await fixture.apiKeys.create(account, 'revoked elsewhere', ['logs:read']);
    await fixture.apiKeys.create(account, 'admin', ['keys:admin']);
    expect((await fixture.get('/v1/account', {}, token)).status).toBe(200);
    const management = new ApiKeyManagement(fixture.database.db, fixture.apiKeys, new RedisRevocationNotifier(redis, reportsSettingsDefaults.AUTHLOG_API_KEY_REVOCATIONS_CHANNEL, silentLogger));
    await management.revoke(account, keyId);
    await expect.poll(async () => (await fixture.get('/v1/account', {}, token)).status, { timeout: 1_000, interval: 20 }).toBe(401);
  });
});
