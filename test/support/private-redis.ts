import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.js';
import { PrivateServer } from './private-server.js';

/**
 * A redis-server of our own with the production settings (AOF, appendfsync always unless a test asks
 * for another, noeviction), for tests that
 * restart or kill Redis while the shared one (6380) keeps serving the other tests. Redis flushes the
 * AOF on stop() (SIGTERM); on kill() (a crash) with appendfsync always nothing acknowledged is lost,
 * with everysec up to the last 1-2 s may be.
 */
export class PrivateRedis extends PrivateServer {
  private constructor(
    dir: string,
    port: number,
    readonly fsync: 'always' | 'everysec' | 'no',
  ) {
    super(dir, port);
  }

  static async start(options: { fsync?: 'always' | 'everysec' | 'no' } = {}): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await mkdtemp(join(tmpdir(), 'authlog-redis-')), await freePort(), options.fsync ?? 'always');
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  protected override spawnServer(): ChildProcess {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--appendonly', 'yes', '--appendfsync', this.fsync, '--save', '', '--maxmemory-policy', 'noeviction'];
    return spawn('redis-server', args, { stdio: 'ignore' });
  }

  protected override async waitReady(): Promise<void> {
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
}
