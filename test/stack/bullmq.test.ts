import { Queue, QueueEvents, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { PrivateRedis } from '../support/private-redis.js';
import { testSettings } from '../support/settings.js';
import { uniqueName } from '../support/unique-name.js';

const connection = () => new Redis(testSettings.AUTHLOG_REDIS_URL, { maxRetriesPerRequest: null });
const closers: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

/** Resolves with the job's return value once it completes. */
function completion(events: QueueEvents, jobId: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    events.on('completed', ({ jobId: id, returnvalue }) => id === jobId && resolve(returnvalue));
    events.on('failed', ({ jobId: id, failedReason }) => id === jobId && reject(new Error(failedReason)));
  });
}

describe('bullmq + ioredis against our Redis', () => {
  it('runs a job round trip, and retries a failing job until it succeeds', async () => {
    const prefix = uniqueName('bullproof');
    const queue = new Queue('proof', { connection: connection(), prefix });
    const events = new QueueEvents('proof', { connection: connection(), prefix });
    await events.waitUntilReady();
    const attempts = new Map<string, number>();
    const worker = new Worker(
      'proof',
      async (job: Job<{ n: number; failTimes: number }>) => {
        const seen = (attempts.get(job.id ?? '') ?? 0) + 1;
        attempts.set(job.id ?? '', seen);
        if (seen <= job.data.failTimes) throw new Error(`failure ${seen}`);
        return job.data.n * 2;
      },
      { connection: connection(), prefix },
    );
    closers.push(() => worker.close(), () => events.close(), () => queue.obliterate({ force: true }).then(() => queue.close()));

    const plain = await queue.add('double', { n: 21, failTimes: 0 }, { jobId: 'plain' });
    expect(await completion(events, plain.id!)).toBe(42);

    const flaky = await queue.add('double', { n: 5, failTimes: 2 }, { jobId: 'flaky', attempts: 3, backoff: { type: 'fixed', delay: 50 } });
    expect(await completion(events, flaky.id!)).toBe(10);
    expect(attempts.get('flaky')).toBe(3);
  });

  it('keeps a waiting job across a Redis restart (AOF)', async () => {
    const redis = await PrivateRedis.start();
    closers.push(() => redis.destroy());
    const connect = () => new Redis(redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue('durable', { connection: connect() });
    await queue.add('keep', { value: 'survives' }, { jobId: 'kept' });
    await queue.close();

    // appendfsync everysec: give the AOF its second, then stop and start the server.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await redis.kill();
    await redis.resume();

    const processed = new Promise<string>((resolve) => {
      const worker = new Worker('durable', async (job: Job<{ value: string }>) => resolve(job.data.value), { connection: connect() });
      closers.push(() => worker.close());
    });
    expect(await processed).toBe('survives');
  });
});
