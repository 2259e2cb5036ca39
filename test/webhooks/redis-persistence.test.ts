import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisNotPersistentError } from '../../shared/webhooks/errors/redis-not-persistent-error.js';
import { assertPersistentRedis } from '../../shared/webhooks/redis-persistence.js';
import { PrivateRedis } from '../support/private-redis.js';
import { testSettings } from '../support/settings.js';
import { SpawnedDispatcher } from './support/spawned-dispatcher.js';
import { WebhookFixture } from './support/webhook-fixture.js';

let redis: PrivateRedis;
let client: Redis;

beforeAll(async () => {
  redis = await PrivateRedis.start();
  client = new Redis(redis.url);
});

afterAll(async () => {
  client?.disconnect();
  await redis?.destroy();
});

describe('the webhook services refuse a Redis that could lose jobs', () => {
  it('accepts our Redis (AOF, noeviction) and refuses one without AOF or with eviction, saying why', async () => {
    await assertPersistentRedis(client, redis.url);
    const shared = new Redis(testSettings.AUTHLOG_REDIS_URL);
    await assertPersistentRedis(shared, testSettings.AUTHLOG_REDIS_URL);
    shared.disconnect();

    await client.config('SET', 'appendonly', 'no');
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const refusal = await assertPersistentRedis(client, redis.url).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RedisNotPersistentError);
    expect((refusal as Error).message).toMatch(/appendonly is off/);
    expect((refusal as Error).message).toMatch(/maxmemory-policy is allkeys-lru/);
  });

  it('the built dispatcher exits non-zero with the reason instead of starting', async () => {
    await client.config('SET', 'appendonly', 'no');
    const fixture = await WebhookFixture.create({ redisUrl: redis.url });
    try {
      const started = await SpawnedDispatcher.start(fixture.env(), 30_000).then(
        async (spawned) => (await spawned.kill(), 'started'),
        (error: Error) => error.message,
      );
      expect(started).toMatch(/exited with 1/);
      expect(started).toMatch(/appendonly is off/);
    } finally {
      await fixture.cleanup();
    }
  });
});
