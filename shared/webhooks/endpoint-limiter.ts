import type { Redis } from 'ioredis';

/**
 * Per-endpoint concurrency and rate limits shared by every dispatcher instance, in Redis (BullMQ
 * has no per-group limits in its open-source edition). Before a delivery the worker asks for a
 * slot; when the endpoint is saturated, rate limited, or paused by a Retry-After, the answer is a
 * wait, and the worker parks the job in BullMQ's delayed set for that long instead of holding a
 * worker slot: a slow or dead endpoint only ever occupies its own `max_concurrency` slots.
 *
 * Waits are handed out as reservations one after another (`next`), spaced by the endpoint's drain
 * rate (its mean latency / max concurrency, or 1 / rate), so a backlog of N jobs for a stuck
 * endpoint comes back at the pace the endpoint can take, not all at once every few milliseconds.
 *
 * Slots are leases (a sorted set of token -> expiry), so a dispatcher killed mid-request frees its
 * slots after `leaseMs`. The same call checks the "settled" marker of a message (delivered or
 * failed for good), which makes a replayed Kafka message a no-op even after its job was removed.
 * Keys share a {hash tag} per endpoint so the scripts also run on Redis Cluster.
 */
const ACQUIRE = `
local now = tonumber(ARGV[1])
local maxConcurrency = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local leaseMs = tonumber(ARGV[4])
local token = ARGV[5]
local maxWaitMs = tonumber(ARGV[7])
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[6]) == 1 then return {2, 0} end
local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then return {0, paused} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local spacing = 0
local earliest = now
if redis.call('ZCARD', KEYS[1]) >= maxConcurrency then
  local latency = tonumber(redis.call('GET', KEYS[5]) or '1000')
  spacing = math.max(1, math.floor(latency / maxConcurrency))
  earliest = now + spacing
elseif rate > 0 then
  local interval = 1000 / rate
  local tat = math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
  if tat - now > interval then
    spacing = interval
    earliest = tat - interval
  else
    redis.call('SET', KEYS[2], tostring(tat + interval), 'PX', math.ceil(interval) + 1000)
  end
end
if spacing > 0 then
  local nextAt = math.min(math.max(tonumber(redis.call('GET', KEYS[4]) or '0'), earliest), now + maxWaitMs)
  redis.call('SET', KEYS[4], tostring(nextAt + spacing), 'PX', math.ceil(nextAt + spacing - now) + 60000)
  return {0, math.max(1, math.ceil(nextAt - now))}
end
redis.call('ZADD', KEYS[1], now + leaseMs, token)
redis.call('PEXPIRE', KEYS[1], leaseMs + 60000)
return {1, 0}
`;

const RELEASE = `
redis.call('ZREM', KEYS[1], ARGV[1])
local latency = tonumber(ARGV[2])
local mean = tonumber(redis.call('GET', KEYS[5]) or ARGV[2])
redis.call('SET', KEYS[5], tostring(math.floor(mean * 0.8 + latency * 0.2)), 'PX', 3600000)
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[6], ARGV[5], 'PX', ARGV[3]) end
local pauseMs = tonumber(ARGV[4])
if pauseMs > 0 and pauseMs > redis.call('PTTL', KEYS[3]) then redis.call('SET', KEYS[3], '1', 'PX', pauseMs) end
return 1
`;

export type AcquireOutcome = { readonly kind: 'acquired' } | { readonly kind: 'wait'; readonly waitMs: number } | { readonly kind: 'settled' };

export interface EndpointLimits {
  readonly maxConcurrency: number;
  /** Deliveries per second; null for no rate limit. */
  readonly ratePerSecond: number | null;
}

interface LimiterCommands {
  webhookAcquire(...args: (string | number)[]): Promise<[number, number]>;
  webhookRelease(...args: (string | number)[]): Promise<number>;
}

export class EndpointLimiter {
  readonly #redis: Redis & LimiterCommands;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    /** How long a slot is held at most: the attempt timeout plus a margin. */
    private readonly leaseMs: number,
    /**
     * Longest wait handed out. Reservations beyond it are clamped, so jobs parked while an endpoint
     * hung come back within this time once it recovers; the price is that a long backlog is
     * re-checked once per `maxWaitMs` (backlog / maxWaitMs checks per second).
     */
    private readonly maxWaitMs = 60_000,
  ) {
    redis.defineCommand('webhookAcquire', { numberOfKeys: 6, lua: ACQUIRE });
    redis.defineCommand('webhookRelease', { numberOfKeys: 6, lua: RELEASE });
    this.#redis = redis as Redis & LimiterCommands;
  }

  /** A slot for `token`, or how long to wait; `settled` when `checkSettled` and the message is done. */
  async acquire(endpointId: string, messageId: string, token: string, limits: EndpointLimits, checkSettled: boolean): Promise<AcquireOutcome> {
    const [code, waitMs] = await this.#redis.webhookAcquire(
      ...this.#keys(endpointId, messageId),
      Date.now(),
      limits.maxConcurrency,
      limits.ratePerSecond ?? 0,
      this.leaseMs,
      token,
      checkSettled ? '1' : '0',
      this.maxWaitMs,
    );
    if (code === 2) return { kind: 'settled' };
    return code === 1 ? { kind: 'acquired' } : { kind: 'wait', waitMs };
  }

  /**
   * Frees the slot and feeds the latency estimate. `settledTtlMs` > 0 records that the message is
   * done (delivered or failed for good); `pauseMs` > 0 holds every delivery to the endpoint (Retry-After).
   */
  async release(
    endpointId: string,
    messageId: string,
    token: string,
    outcome: { latencyMs: number; settledTtlMs: number; settledAs?: string; pauseMs?: number },
  ): Promise<void> {
    await this.#redis.webhookRelease(
      ...this.#keys(endpointId, messageId),
      token,
      Math.max(1, Math.round(outcome.latencyMs)),
      outcome.settledTtlMs,
      Math.round(outcome.pauseMs ?? 0),
      outcome.settledAs ?? 'delivered',
    );
  }

  #keys(endpointId: string, messageId: string): string[] {
    const base = `${this.prefix}:whk:{${endpointId}}`;
    return [`${base}:inflight`, `${base}:tat`, `${base}:pause`, `${base}:next`, `${base}:latency`, `${base}:settled:${messageId}`];
  }
}
