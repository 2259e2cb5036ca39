import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { waitForAll } from './support/distinct.js';
import { Receiver } from './support/receiver.js';
import { SpawnedDispatcher } from './support/spawned-dispatcher.js';
import { WebhookFixture } from './support/webhook-fixture.js';

const PARTITIONS = 2;
const TAIL_MAX_MESSAGES = 40;
let fixture: WebhookFixture;
let target: Receiver;
const processes: SpawnedDispatcher[] = [];

beforeAll(async () => {
  fixture = await WebhookFixture.create({ partitions: PARTITIONS });
  target = await Receiver.start(() => ({ status: 200, delayMs: 20 }));
});

afterAll(async () => {
  for (const spawned of processes) await spawned.kill();
  await fixture?.cleanup();
  await target?.close();
});

describe('dispatcher killed mid-run (kill -9 of the built service)', () => {
  it('loses no delivery: the uncommitted tail is re-read and sent again, duplicates within the tail bound', async () => {
    const account = uniqueName('acct');
    await fixture.createEndpoint(account, { url: target.url(), maxConcurrency: 20 });
    const env = fixture.env({ LOG_LEVEL: 'info', WEBHOOK_TAIL_MAX_MESSAGES: String(TAIL_MAX_MESSAGES) });
    const first = await SpawnedDispatcher.start(env);
    processes.push(first);

    const txids: string[] = [];
    for (let batch = 0; batch < 10; batch += 1) {
      txids.push(...(await fixture.produce(Array.from({ length: 30 }, () => sampleEvent({ account_id: account })))).map((event) => event.txid));
    }
    await target.waitFor(40, 30_000);
    await first.kill();
    const atKill = target.received.length;
    expect(atKill).toBeLessThan(txids.length);

    // More events arrive while no dispatcher runs.
    for (let batch = 0; batch < 3; batch += 1) {
      txids.push(...(await fixture.produce(Array.from({ length: 30 }, () => sampleEvent({ account_id: account })))).map((event) => event.txid));
    }
    const second = await SpawnedDispatcher.start(env);
    processes.push(second);
    const { duplicates } = await waitForAll(target, txids, 90_000);
    expect(txids).toHaveLength(390);
    // At-least-once; the README's bound: a crash re-sends at most the uncommitted tail of each
    // partition it owned (WEBHOOK_TAIL_MAX_MESSAGES messages x their endpoints, one here).
    console.log(`kill -9 after ${atKill} of ${txids.length} deliveries: ${duplicates} duplicates (bound ${PARTITIONS * TAIL_MAX_MESSAGES})`);
    expect(duplicates).toBeLessThanOrEqual(PARTITIONS * TAIL_MAX_MESSAGES);

    // A graceful stop drains and exits 0.
    expect(await second.terminate()).toBe(0);
  }, 180_000);
});
