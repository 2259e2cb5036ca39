import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateKafka } from '../support/private-kafka.js';
import { testSettings } from '../support/settings.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { checkDelivery, type WrittenEvent } from './support/delivery-check.js';
import { createRelayTestContext, outboxCount, startInProcessRelay, waitFor, type RelayTestContext } from './support/relay-harness.js';
import { countTopic, readTopic } from './support/topic-reader.js';
import { writeEvents } from './support/write-events.js';

async function metric(registry: { getSingleMetricAsString(name: string): Promise<string> }, name: string, label = ''): Promise<number> {
  const text = await registry.getSingleMetricAsString(name);
  const line = text.split('\n').find((candidate) => candidate.startsWith(name) && candidate.includes(label));
  return Number(line?.split(' ').at(-1));
}

describe('Kafka down for a while', () => {
  let broker: PrivateKafka;
  let context: RelayTestContext;
  beforeAll(async () => {
    broker = await PrivateKafka.start();
    context = await createRelayTestContext({ brokers: broker.brokers });
  });
  afterAll(async () => {
    await broker.resume();
    await context.cleanup();
    await broker.destroy();
  });

  it('rows wait, the relay backs off and reports it, then publishes everything in order', async () => {
    const relay = await startInProcessRelay(context.env({ RELAY_BATCH_SIZE: '100' }));
    try {
      const before = await writeEvents(context.database, 300, { concurrency: 3 });
      await waitFor('first rows published', async () => (await outboxCount(context.database)) === 0, 30_000);

      await broker.stop();
      const during: WrittenEvent[] = await writeEvents(context.database, 300, { concurrency: 3, seed: 11 });
      // Reported as soon as a send hangs (5 s), counted as an error once kafkajs gives up on it.
      await waitFor('health degraded', () => relay.service.health().status === 'degraded', 30_000, 100);
      await waitFor('the failure counted', async () => (await metric(relay.registry, 'relay_errors_total', 'kafka_publish')) > 0, 60_000, 200);
      expect(await outboxCount(context.database)).toBeGreaterThan(0);

      await broker.resume();
      const after = await writeEvents(context.database, 100, { concurrency: 2, seed: 12 });
      await waitFor('everything published after Kafka came back', async () => (await outboxCount(context.database)) === 0, 90_000, 200);
      await waitFor('health ok again', () => relay.service.health().status === 'ok', 10_000);

      const report = checkDelivery([...before, ...during, ...after], await readTopic(context.kafka, context.topic, { timeoutMs: 60_000 }));
      expect(report.missing).toEqual([]);
      expect(report.misordered).toEqual([]);
      expect(report.unexpected).toEqual([]);
      // A retried request the broker had appended may come twice, identical; never more than a batch.
      expect(report.inconsistentDuplicates).toEqual([]);
      expect(report.duplicated.length).toBeLessThanOrEqual(100);
    } finally {
      await relay.service.stop();
    }
  }, 180_000);
});

describe('MySQL unreachable for a while', () => {
  let proxy: TcpProxy;
  let context: RelayTestContext;
  beforeAll(async () => {
    const mysql = new URL(testSettings.AUTHLOG_MYSQL_URL);
    proxy = await TcpProxy.start({ host: mysql.hostname, port: Number(mysql.port || 3306) });
    context = await createRelayTestContext();
  });
  afterAll(async () => {
    await proxy.close();
    await context.cleanup();
  });

  it('backs off while MySQL is cut, keeps its shards, and resumes without loss or reordering', async () => {
    const viaProxy = new URL(context.database.url);
    viaProxy.port = String(proxy.port);
    const relay = await startInProcessRelay(context.env({ AUTHLOG_MYSQL_URL: viaProxy.toString(), RELAY_BATCH_SIZE: '100' }));
    try {
      const before = await writeEvents(context.database, 300, { concurrency: 3 });
      await waitFor('first rows published', async () => (await outboxCount(context.database)) === 0, 30_000);

      await proxy.cut();
      // The writers reach MySQL directly: logins go on while the relay cannot.
      const during = await writeEvents(context.database, 300, { concurrency: 3, seed: 21 });
      // The cut finds the relay reading, or settling a batch Kafka already acknowledged: then it
      // retries that settle (never reads past it) and only mysql_settle counts. Either is right.
      // (a kind never counted has no series yet: NaN, taken as 0)
      const noticed = async () => ((await metric(relay.registry, 'relay_errors_total', '"mysql_read"')) || 0) + ((await metric(relay.registry, 'relay_errors_total', '"mysql_settle"')) || 0);
      await waitFor('the relay to notice', async () => (await noticed()) > 0, 30_000, 100);
      // Longer than the lease (3 s): nobody else took the shards, so they are still this relay's.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      expect(relay.service.health().status).toBe('degraded');
      expect(await outboxCount(context.database)).toBe(during.length);

      await proxy.restore();
      await waitFor('everything published after MySQL came back', async () => (await outboxCount(context.database)) === 0, 60_000, 200);
      await waitFor('health ok again', () => relay.service.health().status === 'ok', 10_000);

      const received = await readTopic(context.kafka, context.topic, { timeoutMs: 60_000 });
      expect(received.length).toBeGreaterThanOrEqual(before.length + during.length);
      const report = checkDelivery([...before, ...during], received);
      expect(report.missing).toEqual([]);
      expect(report.misordered).toEqual([]);
      expect(report.unexpected).toEqual([]);
      expect(report.inconsistentDuplicates).toEqual([]);
      expect(report.duplicated.length).toBeLessThanOrEqual(100);
      expect(await countTopic(context.kafka, context.topic)).toBe(received.length);
    } finally {
      await relay.service.stop();
    }
  }, 120_000);
});
