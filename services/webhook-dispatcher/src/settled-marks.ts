import type { Redis } from 'ioredis';
import type { Logger } from '../../../shared/log/logger.js';

/**
 * The "settled" markers (see endpoint-limiter.ts, same keys) on the first-attempt
 * path, in bulk: one MGET per chunk of Kafka messages before their first attempts, so an event read
 * again (offset reset, a producer's duplicate, a re-read after a crash) is not sent again to an
 * endpoint that has it; and the markers of settled deliveries written in one pipeline per
 * event-loop turn. Neither waits on the path of an attempt.
 */
export class SettledMarks {
  #pending: [string, string][] = [];
  #scheduled = false;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {}

  /** For each (endpoint, message), whether it is already settled. */
  async settled(pairs: readonly { readonly endpointId: string; readonly messageId: string }[]): Promise<boolean[]> {
    const found: boolean[] = [];
    for (let start = 0; start < pairs.length; start += 1_000) {
      const keys = pairs.slice(start, start + 1_000).map((pair) => this.#key(pair.endpointId, pair.messageId));
      if (keys.length === 0) continue;
      const values = await this.redis.mget(keys);
      for (const value of values) found.push(value !== null);
    }
    return found;
  }

  mark(endpointId: string, messageId: string, as: 'delivered' | 'failed'): void {
    this.#pending.push([this.#key(endpointId, messageId), as]);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const batch = this.#pending;
    this.#pending = [];
    const pipeline = this.redis.pipeline();
    for (const [key, value] of batch) pipeline.set(key, value, 'PX', this.ttlMs);
    // A lost marker only means a re-read event may be sent again (at-least-once holds).
    pipeline.exec().catch((error: unknown) => this.logger.warn({ err: error, markers: batch.length }, 'could not write settled markers'));
  }

  #key(endpointId: string, messageId: string): string {
    return `${this.prefix}:{whk}:${endpointId}:settled:${messageId}`;
  }
}
