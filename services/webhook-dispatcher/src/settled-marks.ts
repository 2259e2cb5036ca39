import type { Redis } from 'ioredis';
import type { Logger } from '../../../shared/log/logger.js';

/**
 * Writes the markers of one flush: KEYS are the markers, ARGV[1] the TTL (ms), ARGV[1 + i] the value
 * of KEYS[i]. One command of N keys instead of N pipelined SETs: the dispatcher built, wrote and
 * parsed a command object and a reply per marker, about 5 % of its CPU per delivery in
 * webhook-throughput (measured with --cpu-prof). Every key has the `{whk}` hash tag, so the script
 * runs on one Redis Cluster slot.
 */
const MARK_SCRIPT = `
local ttl = ARGV[1]
for i = 1, #KEYS do redis.call('SET', KEYS[i], ARGV[i + 1], 'PX', ttl) end
return #KEYS
`;

/** Markers per script run at most: a run blocks Redis while it loops (about 1 µs per marker). */
const MAX_MARKS_PER_RUN = 1_000;

interface MarkCommands {
  webhookSettledMarks(numberOfKeys: number, ...args: string[]): Promise<number>;
}

/**
 * The "settled" markers (see endpoint-limiter.ts, same keys) on the first-attempt
 * path, in bulk: one MGET per chunk of Kafka messages before their first attempts, so an event read
 * again (offset reset, a producer's duplicate, a re-read after a crash) is not sent again to an
 * endpoint that has it; and the markers of settled deliveries written by one script run per
 * event-loop turn. Neither waits on the path of an attempt.
 */
export class SettledMarks {
  readonly #redis: Redis & MarkCommands;
  #keys: string[] = [];
  #values: string[] = [];
  #scheduled = false;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly logger: Logger,
  ) {
    redis.defineCommand('webhookSettledMarks', { lua: MARK_SCRIPT });
    this.#redis = redis as Redis & MarkCommands;
  }

  /** For each (endpoint, message), whether it is already settled. */
  async settled(pairs: readonly { readonly endpointId: string; readonly messageId: string }[]): Promise<boolean[]> {
    const found: boolean[] = [];
    for (let start = 0; start < pairs.length; start += 1_000) {
      const keys = pairs.slice(start, start + 1_000).map((pair) => this.#key(pair.endpointId, pair.messageId));
      if (keys.length === 0) continue;
      const values = await this.#redis.mget(keys);
      for (const value of values) found.push(value !== null);
    }
    return found;
  }

  mark(endpointId: string, messageId: string, as: 'delivered' | 'failed'): void {
    this.#keys.push(this.#key(endpointId, messageId));
    this.#values.push(as);
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const [keys, values] = [this.#keys, this.#values];
    [this.#keys, this.#values] = [[], []];
    const ttl = String(this.ttlMs);
    for (let start = 0; start < keys.length; start += MAX_MARKS_PER_RUN) {
      const slice = keys.slice(start, start + MAX_MARKS_PER_RUN);
      this.#redis
        .webhookSettledMarks(slice.length, ...slice, ttl, ...values.slice(start, start + MAX_MARKS_PER_RUN))
        // A lost marker only means a re-read event may be sent again (at-least-once holds).
        .catch((error: unknown) => this.logger.warn({ err: error, markers: slice.length }, 'could not write settled markers'));
    }
  }

  #key(endpointId: string, messageId: string): string {
    return `${this.prefix}:{whk}:${endpointId}:settled:${messageId}`;
  }
}
