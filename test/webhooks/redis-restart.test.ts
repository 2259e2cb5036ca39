import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../testing/sample-event.js';
import { PrivateRedis } from '../support/private-redis.js';
import { uniqueName } from '../support/unique-name.js';
import { waitForAll } from './support/distinct.js';
import { Receiver } from './support/receiver.js';
import { WebhookFixture } from './support/webhook-fixture.js';

let redis: PrivateRedis;
let fixture: WebhookFixture;
let target: Receiver;

beforeAll(async () => {
  // A Redis of our own (AOF, noeviction), restarted below; the shared one serves everyone else.
  redis = await PrivateRedis.start();
  fixture = await WebhookFixture.create({ redisUrl: redis.url });
  target = await Receiver.start(() => ({ status: 200, delayMs: 5 }));
  await fixture.startDispatcher();
});

afterAll(async () => {
  await fixture?.cleanup();
  await target?.close();
  await redis?.destroy();
});

describe('Redis restarted mid-run', () => {
  it('loses no delivery: jobs survive in the AOF, the fan-out waits for Redis, workers resume', async () => {
    const account = uniqueName('acct');
    await fixture.createEndpoint(account, { url: target.url(), maxConcurrency: 20 });
    const txids: string[] = [];
    const produceBatches = async (batches: number) => {
      for (let batch = 0; batch < batches; batch += 1) {
        const events = await fixture.produce(Array.from({ length: 20 }, () => sampleEvent({ account_id: account })));
        txids.push(...events.map((event) => event.txid));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await produceBatches(5);
    await target.waitFor(20);

    // Graceful restart (Redis flushes the AOF on SIGTERM) while events keep arriving in Kafka.
    const restart = (async () => {
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await redis.resume();
    })();
    await produceBatches(5);
    await restart;
    await produceBatches(5);

    const { duplicates } = await waitForAll(target, txids, 60_000);
    expect(txids).toHaveLength(300);
    // At-least-once: a delivery in flight during the restart may be sent twice, never lost.
    expect(duplicates).toBeLessThan(40);
  }, 120_000);
});
