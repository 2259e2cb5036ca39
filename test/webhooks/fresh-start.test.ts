import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { waitForAll } from './support/distinct.js';
import { Receiver } from './support/receiver.js';
import { WebhookFixture, type RunningDispatcher } from './support/webhook-fixture.js';

// Issue 13 item 17: a brand-new topic and consumer group, as on the first `npm start` of a clean
// clone. An endpoint receives every matching event committed after it was created, even when the
// dispatcher joins its group only later (first start, crash loop) or its group was reset; it never
// receives an event committed before it existed.
let fixture: WebhookFixture;
let target: Receiver;
let dispatcher: RunningDispatcher | undefined;

beforeAll(async () => {
  fixture = await WebhookFixture.create({ partitions: 3 });
  target = await Receiver.start();
});

afterAll(async () => {
  await dispatcher?.stop();
  await fixture?.cleanup();
  await target?.close();
});

const txidsOf = (events: readonly { txid: string }[]) => events.map((event) => event.txid);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a dispatcher that joins its group after events were committed (first start, crash loop, group reset)', () => {
  const account = uniqueName('acct');
  const before: string[] = [];
  const after: string[] = [];

  it('delivers every event committed between the endpoint creation and its first start, none from before', async () => {
    before.push(...txidsOf(await fixture.produce(Array.from({ length: 30 }, () => sampleEvent({ account_id: account })))));
    await pause(50);
    await fixture.createEndpoint(account, { url: target.url(), maxConcurrency: 20 });
    after.push(...txidsOf(await fixture.produce(Array.from({ length: 120 }, () => sampleEvent({ account_id: account })))));
    // The dispatcher "crashed" until now: this is its first join of the group.
    await pause(1_000);
    after.push(...txidsOf(await fixture.produce(Array.from({ length: 30 }, () => sampleEvent({ account_id: account })))));

    dispatcher = await fixture.startDispatcher();
    const { duplicates } = await waitForAll(target, after, 60_000);
    expect(duplicates).toBe(0);
    // Events committed after the start too (the ordinary path).
    const live = txidsOf(await fixture.produce(Array.from({ length: 20 }, () => sampleEvent({ account_id: account }))));
    after.push(...live);
    await waitForAll(target, after, 30_000);
    const received = new Set(target.received.map((request) => String(request.headers['webhook-id'])));
    expect(before.filter((txid) => received.has(txid))).toEqual([]);
  }, 120_000);

  it('after the group is reset (offsets deleted), loses nothing and sends nothing twice or from before the endpoint', async () => {
    await dispatcher?.stop();
    dispatcher = undefined;
    const admin = fixture.kafka.admin();
    await admin.connect();
    try {
      await admin.deleteGroups([fixture.env()['WEBHOOK_GROUP_ID']!]);
      expect((await admin.fetchOffsets({ groupId: fixture.env()['WEBHOOK_GROUP_ID']!, topics: [fixture.topic] }))[0]!.partitions.every((entry) => entry.offset === '-1')).toBe(true);
    } finally {
      await admin.disconnect();
    }
    const whileDown = txidsOf(await fixture.produce(Array.from({ length: 60 }, () => sampleEvent({ account_id: account }))));
    after.push(...whileDown);

    dispatcher = await fixture.startDispatcher();
    const { duplicates } = await waitForAll(target, after, 60_000);
    // The re-read from the endpoint's creation is absorbed by the settled markers.
    await pause(2_000);
    expect(duplicates).toBe(0);
    expect(target.received.length).toBe(after.length);
    const received = new Set(target.received.map((request) => String(request.headers['webhook-id'])));
    expect(before.filter((txid) => received.has(txid))).toEqual([]);
  }, 120_000);
});
