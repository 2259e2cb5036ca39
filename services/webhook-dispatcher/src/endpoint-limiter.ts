import type { Redis } from 'ioredis';

/**
 * One script run for a batch of acquire ('a') and release ('r') operations, so the limits of every
 * job that finished in one event-loop turn cost one round trip; all keys share the `{whk}` hash
 * tag, so Redis Cluster runs it on one slot.
 */
const LIMITS_SCRIPT = `
local function acquire(inflight, tat, pause, nextKey, latencyKey, settled, now, maxConcurrency, rate, leaseMs, token, checkSettled, maxWaitMs)
  if checkSettled == '1' and redis.call('EXISTS', settled) == 1 then return {2, 0} end
  local paused = redis.call('PTTL', pause)
  if paused > 0 then return {0, paused} end
  redis.call('ZREMRANGEBYSCORE', inflight, '-inf', now)
  local spacing = 0
  local earliest = now
  if redis.call('ZCARD', inflight) >= maxConcurrency then
    local latency = tonumber(redis.call('GET', latencyKey) or '1000')
    spacing = math.max(0.05, latency / maxConcurrency)
    earliest = now + spacing
  elseif rate > 0 then
    local interval = 1000 / rate
    local due = math.max(tonumber(redis.call('GET', tat) or '0'), now)
    if due - now > interval then
      spacing = interval
      earliest = due - interval
    else
      redis.call('SET', tat, tostring(due + interval), 'PX', math.ceil(interval) + 1000)
    end
  end
  if spacing > 0 then
    local nextAt = math.min(math.max(tonumber(redis.call('GET', nextKey) or '0'), earliest), now + maxWaitMs)
    redis.call('SET', nextKey, tostring(nextAt + spacing), 'PX', math.ceil(nextAt + spacing - now) + 60000)
    return {0, math.max(1, math.ceil(nextAt - now))}
  end
  redis.call('ZADD', inflight, now + leaseMs, token)
  redis.call('PEXPIRE', inflight, leaseMs + 60000)
  return {1, 0}
end

local function release(inflight, pause, latencyKey, settled, token, latency, settledTtlMs, pauseMs, settledAs)
  redis.call('ZREM', inflight, token)
  local mean = tonumber(redis.call('GET', latencyKey) or latency)
  redis.call('SET', latencyKey, tostring(math.floor(mean * 0.8 + latency * 0.2)), 'PX', 3600000)
  if settledTtlMs > 0 then redis.call('SET', settled, settledAs, 'PX', settledTtlMs) end
  if pauseMs > 0 and pauseMs > redis.call('PTTL', pause) then redis.call('SET', pause, '1', 'PX', pauseMs) end
  return {1, 0}
end

local now = tonumber(ARGV[1])
local results = {}
for i = 1, tonumber(ARGV[2]) do
  local k = (i - 1) * 6
  local a = 3 + (i - 1) * 7
  if ARGV[a] == 'a' then
    results[i] = acquire(KEYS[k + 1], KEYS[k + 2], KEYS[k + 3], KEYS[k + 4], KEYS[k + 5], KEYS[k + 6], now,
      tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), ARGV[a + 4], ARGV[a + 5], tonumber(ARGV[a + 6]))
  else
    results[i] = release(KEYS[k + 1], KEYS[k + 3], KEYS[k + 5], KEYS[k + 6], ARGV[a + 1], tonumber(ARGV[a + 2]),
      tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4]), ARGV[a + 5])
  end
end
return results
`;

export type AcquireOutcome = { readonly kind: 'acquired' } | { readonly kind: 'wait'; readonly waitMs: number } | { readonly kind: 'settled' };

export interface EndpointLimits {
  readonly maxConcurrency: number;
  /** Deliveries per second; null for no rate limit. */
  readonly ratePerSecond: number | null;
}

interface LimiterCommands {
  webhookLimits(numberOfKeys: number, ...args: (string | number)[]): Promise<[number, number][]>;
}

interface Operation {
  readonly keys: readonly string[];
  /** Seven fields: 'a' or 'r', then the operation's arguments (see the script). */
  readonly fields: readonly (string | number)[];
  readonly resolve: (result: [number, number]) => void;
  readonly reject: (error: unknown) => void;
}

/** Operations sent in one script call at most. */
const MAX_BATCH = 256;

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
 * Calls of concurrent jobs are batched into one script run per event-loop turn.
 */
export class EndpointLimiter {
  readonly #redis: Redis & LimiterCommands;
  #pending: Operation[] = [];
  #scheduled = false;

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
    redis.defineCommand('webhookLimits', { lua: LIMITS_SCRIPT });
    this.#redis = redis as Redis & LimiterCommands;
  }

  /** A slot for `token`, or how long to wait; `settled` when `checkSettled` and the message is done. */
  async acquire(endpointId: string, messageId: string, token: string, limits: EndpointLimits, checkSettled: boolean): Promise<AcquireOutcome> {
    const [code, waitMs] = await this.#submit(this.#keys(endpointId, messageId), [
      'a',
      limits.maxConcurrency,
      limits.ratePerSecond ?? 0,
      this.leaseMs,
      token,
      checkSettled ? '1' : '0',
      this.maxWaitMs,
    ]);
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
    await this.#submit(this.#keys(endpointId, messageId), [
      'r',
      token,
      Math.max(1, Math.round(outcome.latencyMs)),
      outcome.settledTtlMs,
      Math.round(outcome.pauseMs ?? 0),
      outcome.settledAs ?? 'delivered',
      0,
    ]);
  }

  /**
   * Operations of concurrent jobs issued in the same event-loop turn go to Redis as one script
   * call: one round trip and one script run for many deliveries instead of two per delivery.
   */
  #submit(keys: readonly string[], fields: readonly (string | number)[]): Promise<[number, number]> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ keys, fields, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#pending.length > 0) {
      // Releases first: a slot freed in this batch can go to an acquire in the same batch.
      const batch = this.#pending.splice(0, MAX_BATCH).sort((a, b) => (a.fields[0] === b.fields[0] ? 0 : a.fields[0] === 'r' ? -1 : 1));
      this.#redis.webhookLimits(batch.length * 6, ...batch.flatMap((operation) => operation.keys), Date.now(), batch.length, ...batch.flatMap((operation) => operation.fields)).then(
        (results) => batch.forEach((operation, index) => operation.resolve(results[index] ?? [0, 1_000])),
        (error: unknown) => batch.forEach((operation) => operation.reject(error)),
      );
    }
  }

  #keys(endpointId: string, messageId: string): string[] {
    // One hash tag for the whole namespace: a batch touches many endpoints, and Redis Cluster runs a
    // script only on keys of one slot (BullMQ likewise keeps a queue in one slot).
    const base = `${this.prefix}:{whk}:${endpointId}`;
    return [`${base}:inflight`, `${base}:tat`, `${base}:pause`, `${base}:next`, `${base}:latency`, `${base}:settled:${messageId}`];
  }
}
