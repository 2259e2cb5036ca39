import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { reapOnExit } from '../../testing/child-reaper.js';
import { freePort } from './free-port.js';

/**
 * A redis-server of our own with the production settings (AOF, appendfsync always unless a test asks
 * for another, noeviction), for tests that
 * restart or kill Redis while the shared one (6380) keeps serving the other tests.
 */
export class PrivateRedis {
  #process: ChildProcess | undefined;

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly fsync: 'always' | 'everysec' | 'no',
  ) {}

  static async start(options: { fsync?: 'always' | 'everysec' | 'no' } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await mkdtemp(join(tmpdir(), 'authlog-redis-')), await freePort(), options.fsync ?? 'always');
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    if (this.#process !== undefined) return;
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', this.fsync, '--save', '', '--maxmemory-policy', 'noeviction'];
    const child = spawn('redis-server', args, { stdio: 'ignore' });
    this.#process = child;
    reapOnExit(child);
    child.once('exit', () => {
      if (this.#process === child) this.#process = undefined;
    });
    const deadline = Date.now() + 10_000;
    for (;;) {
      const client = new Redis({ port: this.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      try {
        await client.connect();
        // Redis answers LOADING while it replays the AOF; ready means the data is back.
        if ((await client.info('persistence')).includes('loading:0')) return;
      } catch {
        // not up yet
      } finally {
        client.disconnect();
      }
      if (Date.now() > deadline) throw new Error(`private redis on ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Graceful stop: Redis flushes the AOF on SIGTERM. */
  async stop(): Promise<void> {
    await this.#signal('SIGTERM');
  }

  /** Crash: with appendfsync always nothing acknowledged is lost; with everysec up to the last 1-2 s may be. */
  async kill(): Promise<void> {
    await this.#signal('SIGKILL');
  }

  async destroy(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }

  async #signal(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    if (child === undefined) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    await exited;
    this.#process = undefined;
  }
}
