import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { ApiKeyStore } from '../../shared/auth/api-key-store.js';
import { followRevocations, RedisRevocationNotifier } from '../../shared/auth/api-key-revocations.js';
import { silentLogger } from '../../shared/log/logger.js';
import { createRedis } from '../../shared/redis/create-redis.js';
import { redisConnection } from '../../shared/redis/redis-connection.js';
import { testSettings } from '../support/settings.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { uniqueName } from '../support/unique-name.js';

/** The revocation feed (shared/auth/api-key-revocations.ts) against real Redis and MySQL, its outage included. */
let database: TestDatabase;
let proxy: TcpProxy;
let subscriber: Redis;
let publisher: Redis;
let cached: ApiKeyStore;
const channel = uniqueName('revocations');

beforeAll(async () => {
  database = await createTestDatabase();
  const redis = new URL(testSettings.AUTHLOG_REDIS_URL);
  proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port) });
  subscriber = createRedis(redisConnection({ ...testSettings, AUTHLOG_REDIS_URL: `redis://127.0.0.1:${proxy.port}` }), { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  publisher = createRedis(redisConnection(testSettings), { maxRetriesPerRequest: 1 });
  cached = new ApiKeyStore(database.db, 30_000);
  await followRevocations(subscriber, channel, cached, silentLogger);
});

afterAll(async () => {
  subscriber?.disconnect();
  await publisher?.quit();
  await proxy?.close();
  await database?.drop();
});

describe('API key revocation feed', () => {
  it('drops a cached key when its revocation is announced, long before the 30 s cache would', async () => {
    const writer = new ApiKeyStore(database.db, 0);
    const { keyId, token } = await writer.create('acct', 'feed', ['logs:read']);
    expect(await cached.authenticate(token)).toMatchObject({ keyId });
    await writer.revoke(keyId);
    expect(await cached.authenticate(token)).toMatchObject({ keyId });
    await new RedisRevocationNotifier(publisher, channel, silentLogger).announce(keyId);
    await expect.poll(async () => cached.authenticate(token), { timeout: 1_000, interval: 10 }).toBeUndefined();
  });

  it('while the feed is down (notices lost), trusts a cached key for at most about 1 s', async () => {
    const writer = new ApiKeyStore(database.db, 0);
    const { keyId, token } = await writer.create('acct', 'outage', ['logs:read']);
    expect(await cached.authenticate(token)).toMatchObject({ keyId });
    await proxy.cut();
    await expect.poll(() => subscriber.status, { timeout: 5_000 }).not.toBe('ready');
    await writer.revoke(keyId);
    await new RedisRevocationNotifier(publisher, channel, silentLogger).announce(keyId);
    const revokedAt = Date.now();
    await expect.poll(async () => cached.authenticate(token), { timeout: 3_000, interval: 50 }).toBeUndefined();
    expect(Date.now() - revokedAt).toBeLessThan(1_500);
    await proxy.restore();
    await expect.poll(() => subscriber.status, { timeout: 5_000 }).toBe('ready');
  });
});
