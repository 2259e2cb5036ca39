import { createConnection } from 'node:net';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../shared/log/logger.js';
import { createKafka } from '../../shared/kafka/create-kafka.js';
import { PrivateKafka } from '../support/private-kafka.js';
import { PrivateRedis } from '../support/private-redis.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { plainKafkaConnection } from '../../shared/kafka/kafka-connection.js';

// The fault-injection tools other tests rely on must themselves do what they claim.
describe('test support', () => {
  it('TcpProxy passes traffic, refuses it while cut, and passes it again after restore', async () => {
    const redis = await PrivateRedis.start();
    const proxy = await TcpProxy.start({ host: '127.0.0.1', port: redis.port });
    const connect = () => {
      const client = new Redis({ port: proxy.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      client.on('error', () => {}); // the failures are what this test provokes
      return client;
    };
    try {
      const client = connect();
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      await proxy.cut();
      await expect(client.ping()).rejects.toThrow();
      await expect(
        new Promise((resolve, reject) => createConnection(proxy.port, '127.0.0.1', () => resolve('connected')).once('error', reject)),
      ).rejects.toThrow(/ECONNREFUSED/);
      await proxy.restore();
      const again = connect();
      await again.connect();
      expect(await again.ping()).toBe('PONG');
      again.disconnect();
      client.disconnect();
    } finally {
      await proxy.close();
      await redis.destroy();
    }
  });

  it('PrivateRedis keeps data across a restart (AOF)', async () => {
    const redis = await PrivateRedis.start();
    try {
      const client = new Redis(redis.url);
      await client.set('k', 'v');
      client.disconnect();
      await redis.stop();
      await redis.resume();
      const after = new Redis(redis.url);
      expect(await after.get('k')).toBe('v');
      after.disconnect();
    } finally {
      await redis.destroy();
    }
  });

  it('PrivateKafka starts, stops and resumes with its data', async () => {
    const broker = await PrivateKafka.start();
    try {
      const kafka = createKafka({ clientId: 'support', connection: plainKafkaConnection(broker.brokers), logger: silentLogger });
      const admin = kafka.admin();
      await admin.connect();
      await admin.createTopics({ topics: [{ topic: 'kept', numPartitions: 2 }], waitForLeaders: true });
      await admin.disconnect();
      await broker.stop();
      await broker.resume();
      const again = kafka.admin();
      await again.connect();
      expect(await again.listTopics()).toContain('kept');
      await again.disconnect();
    } finally {
      await broker.destroy();
    }
  }, 120_000);
});
