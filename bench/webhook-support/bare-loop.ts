/**
 * The ceiling for webhook-throughput, as a child process: a bare BullMQ worker that POSTs each
 * job's body to its URL with an undici keep-alive Agent, and nothing else (no signing, no limits,
 * no attempt log, no SSRF check). Settings from the environment: BARE_REDIS_URL, BARE_PREFIX,
 * BARE_QUEUE, BARE_CONCURRENCY, and BARE_JOBS_FILE: when set, a JSON array of {url, id, body} that
 * this process enqueues itself (addBulk, 1,000 at a time) once its worker runs, so enqueueing
 * overlaps delivering as it does in any real pipeline; when not set, the jobs are already queued.
 */
import { readFileSync } from 'node:fs';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent } from 'undici';
import { readEnvironment } from '../../shared/config/environment.js';

interface BareJob {
  readonly url: string;
  readonly id: string;
  readonly body: string;
}

const env = readEnvironment();
const connection = () => new Redis(env.BARE_REDIS_URL ?? 'redis://127.0.0.1:6380', { maxRetriesPerRequest: null });
const [name, prefix] = [env.BARE_QUEUE ?? 'bare', env.BARE_PREFIX ?? 'bare'];
const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000, headersTimeout: 15_000, bodyTimeout: 15_000 });
const worker = new Worker<BareJob>(
  name,
  async (job) => {
    const url = new URL(job.data.url);
    const response = await agent.request({ origin: url.origin, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': job.data.id }, body: job.data.body });
    await response.body.dump();
    if (response.statusCode < 200 || response.statusCode >= 300) throw new Error(`HTTP ${response.statusCode}`);
  },
  { connection: connection(), prefix, concurrency: Number(env.BARE_CONCURRENCY ?? 100) },
);
await worker.waitUntilReady();
console.log(JSON.stringify({ level: 'info', msg: 'bare loop running' }));
process.once('SIGTERM', () => void worker.close().then(() => agent.close()).then(() => process.exit(0)));

if (env.BARE_JOBS_FILE !== undefined) {
  const jobs = JSON.parse(readFileSync(env.BARE_JOBS_FILE, 'utf8')) as BareJob[];
  const queue = new Queue<BareJob>(name, { connection: connection(), prefix });
  for (let start = 0; start < jobs.length; start += 1_000) {
    await queue.addBulk(jobs.slice(start, start + 1_000).map((data) => ({ name: 'deliver', data, opts: { removeOnComplete: true, attempts: 8 } })));
  }
  await queue.close();
}
