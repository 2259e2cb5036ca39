import type { Redis } from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../log/logger.js';

/** One limit: at most `max` hits per `windowMs` for each id (an API key, a client address). */
export interface RateLimit {
  readonly name: string;
  readonly max: number;
  readonly windowMs: number;
}

export interface RateDecision {
  readonly allowed: boolean;
  /** Hits counted in the current window, this one included (0 when Redis did not answer). */
  readonly count: number;
  /** Seconds until the window ends: the Retry-After of a refusal. */
  readonly retryAfterSeconds: number;
}

// INCR and PEXPIRE in one step, so a window always ends even if the process dies in between.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {count, ttl}`;
const PEEK = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local ttl = redis.call('PTTL', KEYS[1])
return {count, ttl}`;

const ALLOWED_UNCHECKED: RateDecision = { allowed: true, count: 0, retryAfterSeconds: 0 };

/**
 * Fixed-window counters in Redis, shared by every instance of a service. Redis being down or slow
 * must not take the API down with it: a check that gets no answer within `timeoutMs` lets the
 * request through (fail open), counts `<service>_rate_limit_unchecked_total` and logs a warning at
 * most once a minute. Alert on that counter: while it grows, nothing is limited.
 */
export class RateLimiter {
  readonly #unchecked: Counter<'limit'>;
  #lastWarning = 0;

  constructor(
    private readonly redis: Redis,
    private readonly options: { readonly prefix: string; readonly service: string; readonly registry: Registry; readonly logger: Logger; readonly timeoutMs?: number },
  ) {
    this.#unchecked = new Counter({
      name: `${options.service.replaceAll('-', '_')}_rate_limit_unchecked_total`,
      help: 'Requests let through unchecked because Redis did not answer the rate limiter (fail open)',
      labelNames: ['limit'],
      registers: [options.registry],
    });
  }

  /** Counts one hit for `id` and says whether it is within the limit. */
  hit(limit: RateLimit, id: string): Promise<RateDecision> {
    return this.#run(HIT, limit, id, (count) => count <= limit.max);
  }

  /** Whether `id` is already over the limit, without counting a hit (failed authentications). */
  peek(limit: RateLimit, id: string): Promise<RateDecision> {
    return this.#run(PEEK, limit, id, (count) => count < limit.max);
  }

  async #run(script: string, limit: RateLimit, id: string, within: (count: number) => boolean): Promise<RateDecision> {
    const key = `${this.options.prefix}:rate:${limit.name}:${id}`;
    let timer: NodeJS.Timeout | undefined;
    try {
      const answer = (await Promise.race([
        this.redis.eval(script, 1, key, String(limit.windowMs)),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.options.timeoutMs ?? 250} ms`)), this.options.timeoutMs ?? 250);
        }),
      ])) as [number, number];
      const [count, ttl] = answer;
      return { allowed: within(count), count, retryAfterSeconds: Math.max(1, Math.ceil((ttl > 0 ? ttl : limit.windowMs) / 1000)) };
    } catch (error) {
      this.#unchecked.inc({ limit: limit.name });
      if (Date.now() - this.#lastWarning > 60_000) {
        this.#lastWarning = Date.now();
        this.options.logger.warn({ err: error, limit: limit.name }, 'rate limiter unavailable (Redis): requests pass unchecked');
      }
      return ALLOWED_UNCHECKED;
    } finally {
      clearTimeout(timer);
    }
  }
}
