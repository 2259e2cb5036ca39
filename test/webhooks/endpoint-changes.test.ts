import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log/logger.js';
import { createRedis } from '../../shared/redis/create-redis.js';
import { redisConnection } from '../../shared/redis/redis-connection.js';
import { EndpointChangePublisher, subscribeEndpointChanges, type EndpointChange } from '../../shared/webhooks/endpoint-changes.js';
import { testSettings } from '../support/settings.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { uniqueName } from '../support/unique-name.js';

/** The endpoint-change feed (dispatchers drop a changed endpoint's cached copy) against real Redis, an outage included. */
let proxy: TcpProxy;
let subscriber: Redis;
let publisher: Redis;
const channel = uniqueName('endpoint-changes');
const seen: EndpointChange[] = [];

beforeAll(async () => {
  const redis = new URL(testSettings.AUTHLOG_REDIS_URL);
  proxy = await TcpProxy.start({ host: redis.hostname, port: Number(redis.port) });
  subscriber = createRedis(redisConnection({ ...testSettings, AUTHLOG_REDIS_URL: `redis://127.0.0.1:${proxy.port}` }), { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  subscriber.on('error', () => undefined);
  publisher = createRedis(redisConnection(testSettings), { maxRetriesPerRequest: 1 });
  await subscribeEndpointChanges(subscriber, channel, (change) => seen.push(change), silentLogger);
});

afterAll(async () => {
  subscriber?.disconnect();
  await publisher?.quit();
  await proxy?.close();
});

describe('endpoint change feed', () => {
  it('delivers a change, and again after the connection was cut and came back (subscribed on ready, not by ioredis)', async () => {
    const announce = new EndpointChangePublisher(publisher, channel, silentLogger);
    await announce.publish({ accountId: 'acct', endpointId: 'ep_before' });
    await expect.poll(() => seen.map((change) => change.endpointId)).toEqual(['ep_before']);

    await proxy.cut();
    await expect.poll(() => subscriber.status, { timeout: 5_000 }).not.toBe('ready');
    await proxy.restore();
    await expect.poll(() => subscriber.status, { timeout: 5_000 }).toBe('ready');
    // Subscribed again once ready: poll with fresh notices until one arrives.
    await expect
      .poll(
        async () => {
          await announce.publish({ accountId: 'acct', endpointId: 'ep_after' });
          return seen.some((change) => change.endpointId === 'ep_after');
        },
        { timeout: 5_000, interval: 100 },
      )
      .toBe(true);
    expect(subscriber.options.autoResubscribe).toBe(false);
  });
});
