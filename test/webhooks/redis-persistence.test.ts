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

    await client.config('SET', 'appendonly', 'no');
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const refusal = await assertPersistentRedis(client, redis.url).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RedisNotPersistentError);
    expect((refusal as Error).message).toMatch(/appendonly is off/);
    expect((refusal as Error).message).toMatch(/maxmemory-policy is allkeys-lru/);
    await client.config('SET', 'appendonly', 'yes');
    await client.config('SET', 'maxmemory-policy', 'noeviction');
  });

  it("accepts the stack's own Redis without a warning (appendfsync always)", async () => {
    const shared = new Redis(testSettings.AUTHLOG_REDIS_URL);
    const warnings = await assertPersistentRedis(shared, testSettings.AUTHLOG_REDIS_URL).finally(() => shared.disconnect());
    // A stack started before the switch to always keeps everysec until its Redis is restarted.
    expect(warnings, 'the stack Redis must run appendfsync always: scripts/stack stop redis && scripts/stack start redis').toEqual([]);
  });

  it('refuses appendfsync no, warns about everysec, is silent about always', async () => {
    await client.config('SET', 'appendfsync', 'always');
    expect(await assertPersistentRedis(client, redis.url)).toEqual([]);

    await client.config('SET', 'appendfsync', 'everysec');
    const warnings = await assertPersistentRedis(client, redis.url);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/appendfsync is everysec: .*set --appendfsync always/);

    await client.config('SET', 'appendfsync', 'no');
    const refusal = await assertPersistentRedis(client, redis.url).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RedisNotPersistentError);
    expect((refusal as Error).message).toMatch(/appendfsync is no, so a crash loses jobs whose Kafka offsets are already committed/);
    await client.config('SET', 'appendfsync', 'always');
  });

  it('warns, without refusing, when CONFIG is forbidden (managed Redis, ACL)', async () => {
    await client.call('ACL', 'SETUSER', 'noconfig', 'on', '>pw-noconfig', '~*', '&*', '+@all', '-config');
    const restricted = new Redis(redis.url, { username: 'noconfig', password: 'pw-noconfig' });
    try {
      const warnings = await assertPersistentRedis(restricted, redis.url);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/cannot read appendfsync \(NOPERM/);
    } finally {
      restricted.disconnect();
    }
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
