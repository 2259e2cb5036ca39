import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { BenchContext, BenchFigures } from './support/bench-context.js';
import { median, quantile, round } from './support/stats.js';

/**
 * webhook-fsync: what `appendfsync always` (issue 13 item 12) costs the webhook queue, against
 * `everysec`, side by side: two private redis-servers with the stack's settings but for fsync, on the
 * same disk, in alternating rounds. Each round enqueues jobs as the fan-out does (addBulk of 500, the
 * dispatcher's WEBHOOK_FANOUT_CHUNK, whose resolution gates the Kafka offset commit) while a BullMQ
 * worker (concurrency 100, as the dispatcher) completes them with no HTTP, so Redis is the subject.
 * Figures: jobs/s through the queue and addBulk latency, per mode, and the ratio always/everysec.
 */
const CHUNK = 500;
const CONCURRENCY = 100;

type Mode = 'always' | 'everysec';

export default async function webhookFsync({ quick, log }: BenchContext): Promise<BenchFigures> {
  const jobs = quick ? 10_000 : 40_000;
  const rounds = quick ? 3 : 5;
  const servers = { always: await startRedis('always'), everysec: await startRedis('everysec') };
  const results: Record<Mode, { perSecond: number[]; addBulkMs: number[] }> = { always: { perSecond: [], addBulkMs: [] }, everysec: { perSecond: [], addBulkMs: [] } };
  try {
    for (let r = 0; r < rounds; r += 1) {
      // Alternate which goes first, so a load spike does not always hit the same mode.
      const order: Mode[] = r % 2 === 0 ? ['everysec', 'always'] : ['always', 'everysec'];
      for (const mode of order) {
        const phase = await queuePhase(servers[mode].port, jobs, `r${r}`);
        results[mode].perSecond.push(phase.perSecond);
        results[mode].addBulkMs.push(...phase.addBulkMs);
        log(`round ${r + 1}/${rounds} ${mode}: ${Math.round(phase.perSecond)} jobs/s, addBulk p50 ${median(phase.addBulkMs).toFixed(1)} ms`);
      }
    }
  } finally {
    for (const server of Object.values(servers)) server.stop();
  }
  const always = median(results.always.perSecond);
  const everysec = median(results.everysec.perSecond);
  return {
    jobs_per_round: jobs,
    rounds,
    always_jobs_per_s: Math.round(always),
    everysec_jobs_per_s: Math.round(everysec),
    ratio_always_vs_everysec: round(always / everysec),
    always_addbulk_p50_ms: round(median(results.always.addBulkMs)),
    everysec_addbulk_p50_ms: round(median(results.everysec.addBulkMs)),
    always_addbulk_p99_ms: round(quantile(results.always.addBulkMs, 0.99)),
    everysec_addbulk_p99_ms: round(quantile(results.everysec.addBulkMs, 0.99)),
  };
}

async function queuePhase(port: number, jobs: number, name: string): Promise<{ perSecond: number; addBulkMs: number[] }> {
  const producer = new Redis({ port, maxRetriesPerRequest: null });
  const consumer = new Redis({ port, maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection: producer, prefix: 'fsync-bench' });
  let done = 0;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finished = resolve));
  const worker = new Worker(name, async () => 'ok', { connection: consumer, prefix: 'fsync-bench', concurrency: CONCURRENCY });
  worker.on('completed', () => {
    done += 1;
    if (done === jobs) finished();
  });
  const addBulkMs: number[] = [];
  const started = performance.now();
  for (let start = 0; start < jobs; start += CHUNK) {
    const count = Math.min(CHUNK, jobs - start);
    const before = performance.now();
    await queue.addBulk(Array.from({ length: count }, (_, index) => ({ name: 'deliver', data: { body: 'x'.repeat(600), n: start + index }, opts: { removeOnComplete: true } })));
    addBulkMs.push(performance.now() - before);
  }
  await allDone;
  const seconds = (performance.now() - started) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  producer.disconnect();
  consumer.disconnect();
  return { perSecond: jobs / seconds, addBulkMs };
}

async function startRedis(fsync: Mode): Promise<{ port: number; stop: () => void }> {
  const dir = mkdtempSync(join(tmpdir(), `bench-fsync-${fsync}-`));
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', fsync, '--save', '', '--maxmemory-policy', 'noeviction'];
  const child: ChildProcess = spawn('redis-server', args, { stdio: 'ignore' });
  const stop = () => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let tries = 0; ; tries += 1) {
    const client = new Redis({ port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    // Refused connections while the server starts are expected; without a listener ioredis prints them.
    client.on('error', () => undefined);
    try {
      await client.connect();
      if ((await client.config('GET', 'appendfsync'))[1] === fsync) return { port, stop };
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    if (tries > 100) {
      stop();
      throw new Error(`redis-server (${fsync}) did not start on ${port}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
