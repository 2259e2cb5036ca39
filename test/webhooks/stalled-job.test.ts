import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliveryJobId } from '../../shared/webhooks/delivery-queue.js';
import { MessageStore } from '../../shared/webhooks/message-store.js';
import { sampleEvent } from '../../testing/sample-event.js';
import { uniqueName } from '../support/unique-name.js';
import { Receiver } from './support/receiver.js';
import { SpawnedDispatcher } from './support/spawned-dispatcher.js';
import { WebhookFixture } from './support/webhook-fixture.js';

// Issue 13 item 13: a job whose dispatcher dies while holding it, past the stall limit, is failed
// and gets its webhook_messages row, so `recover` finds it (BullMQ used to fail it on its own and
// keep it only in its failed set). Real stalls: the built dispatcher is killed (-9) mid-request.
let fixture: WebhookFixture;
let target: Receiver;
const processes: SpawnedDispatcher[] = [];

beforeAll(async () => {
  fixture = await WebhookFixture.create();
  // The first attempt (made in process by the partition's consumer) fails, so the delivery becomes
  // a BullMQ job; its retry never gets an answer: that job is in flight when its dispatcher is killed.
  target = await Receiver.start((_request, n) => (n === 1 ? { status: 503 } : 'hang'));
});

afterAll(async () => {
  for (const spawned of processes) await spawned.kill();
  await fixture?.cleanup();
  await target?.close();
});

describe('a delivery job that stalls past WEBHOOK_MAX_STALLED_COUNT', () => {
  it('is failed without being sent again and recorded as a failed message that recover sees', async () => {
    const account = uniqueName('acct');
    const { endpoint } = await fixture.createEndpoint(account, { url: target.url() });
    const env = fixture.env({ WEBHOOK_MAX_STALLED_COUNT: '1', WEBHOOK_LOCK_MS: '2000', WEBHOOK_STALLED_INTERVAL_MS: '1000', WEBHOOK_TIMEOUT_MS: '60000' });
    const startedAt = new Date(Date.now() - 1_000);
    const first = await SpawnedDispatcher.start(env);
    processes.push(first);
    const [event] = await fixture.produce([sampleEvent({ account_id: account })]);
    await target.waitFor(2, 30_000);
    // The hand-off settled the Kafka message: let its offset be committed, so the restarted
    // dispatcher meets the job only through BullMQ, as a stalled one.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await first.kill();

    processes.push(await SpawnedDispatcher.start(env));
    const messages = new MessageStore(fixture.db);
    const deadline = Date.now() + 60_000;
    let row = await messages.find(account, endpoint.id, event!.txid);
    while (row === undefined && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      row = await messages.find(account, endpoint.id, event!.txid);
    }
    expect(row?.status).toBe('failed');
    expect(row?.last_error).toMatch(/died while delivering it 1 times/);
    expect(JSON.parse(row!.body)).toMatchObject({ data: { txid: event!.txid } });
    // What POST /v1/endpoints/:id/recover reads.
    expect((await messages.failedSince(account, endpoint.id, startedAt, 10)).map((failed) => failed.message_id)).toEqual([event!.txid]);

    const connection = new Redis(fixture.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(fixture.env()['WEBHOOK_QUEUE'] ?? 'webhook-deliveries', { connection, prefix: fixture.prefix });
    try {
      const job = await queue.getJob(deliveryJobId(event!.txid, endpoint.id));
      expect(await job?.getState()).toBe('failed');
      expect(job?.failedReason).toMatch(/^stalled: /);
    } finally {
      await queue.close();
      connection.disconnect();
    }
    // The first attempt and the retry the dispatcher died in: a job past the limit is not sent again.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(target.received).toHaveLength(2);
  }, 180_000);

  it('records a job BullMQ fails by itself (its deferred failure) from the failed event', async () => {
    // BullMQ marks a job that stalled past its own limit with a deferred failure (the job hash's
    // `defa` field, set by its moveStalledJobsToWait script); the next worker to take it fails it
    // without running it. Reaching that for real needs the recording run to die too, so the field is
    // set here as that script sets it, on a delayed job, before any worker can take it.
    for (const spawned of processes.splice(0)) await spawned.kill();
    const account = uniqueName('acct');
    const { endpoint } = await fixture.createEndpoint(account, { url: target.url() });
    const dispatcher = await fixture.startDispatcher({ WEBHOOK_MAX_STALLED_COUNT: '1' });
    const connection = new Redis(fixture.redisUrl, { maxRetriesPerRequest: null });
    const queue = new Queue(fixture.env()['WEBHOOK_QUEUE'] ?? 'webhook-deliveries', { connection, prefix: fixture.prefix });
    try {
      const messageId = uniqueName('txid');
      const data = { messageId, endpointId: endpoint.id, accountId: account, type: 'authlog.authentication', body: '{"data":{}}', trigger: 'event', tracked: false, createdAt: Date.now() };
      const job = await queue.add('deliver', data, { jobId: deliveryJobId(messageId, endpoint.id), delay: 1_500, attempts: 5 });
      await connection.hset(`${fixture.prefix}:${fixture.env()['WEBHOOK_QUEUE'] ?? 'webhook-deliveries'}:${job.id}`, 'defa', 'job stalled more than allowable limit', 'stc', '3');
      const messages = new MessageStore(fixture.db);
      const deadline = Date.now() + 30_000;
      let row = await messages.find(account, endpoint.id, messageId);
      while (row === undefined && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        row = await messages.find(account, endpoint.id, messageId);
      }
      expect(row?.status).toBe('failed');
      expect(row?.last_error).toMatch(/failed by the queue: job stalled more than allowable limit \(stalled 3 times\)/);
      expect(await (await queue.getJob(job.id!))?.getState()).toBe('failed');
      expect(target.received.some((request) => request.headers['webhook-id'] === messageId)).toBe(false);
    } finally {
      await queue.close();
      connection.disconnect();
      await dispatcher.stop();
    }
  }, 120_000);
});
