import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A request under way with this key: `token` tells the request that owns it from a later one. */
interface Running {
  readonly state: 'running';
  readonly token: string;
  readonly fingerprint: string;
}

/** The first answer, kept for the key's lifetime and given again to a retry. */
export interface StoredAnswer {
  readonly state: 'done';
  readonly fingerprint: string;
  readonly status: number;
  readonly contentType: string | null;
  readonly body: string;
}

export type Claim =
  | { readonly kind: 'claimed'; readonly ticket: string }
  | { readonly kind: 'running'; readonly fingerprint: string }
  | { readonly kind: 'done'; readonly answer: StoredAnswer };

// Claim if free, otherwise return what is there: one step, so two requests cannot both claim.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;
// Replace (or delete) only our own claim: a claim that expired and was taken by another request is theirs.
const SETTLE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) else redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3]) end
return 1`;

/**
 * Idempotency keys in Redis: every entry has a TTL (`runningMs` while the request runs, `ttlMs`
 * once answered), so memory is bounded by the request rate, never by how many keys clients invent.
 */
export class IdempotencyStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: { readonly ttlMs: number; readonly runningMs: number; readonly timeoutMs: number },
  ) {}

  async claim(key: string, fingerprint: string): Promise<Claim> {
    const running: Running = { state: 'running', token: randomBytes(12).toString('base64url'), fingerprint };
    const ticket = JSON.stringify(running);
    const current = (await this.#answer(this.redis.eval(CLAIM, 1, key, ticket, String(this.options.runningMs)))) as string | null;
    if (current === null) return { kind: 'claimed', ticket };
    const entry = JSON.parse(current) as Running | StoredAnswer;
    return entry.state === 'done' ? { kind: 'done', answer: entry } : { kind: 'running', fingerprint: entry.fingerprint };
  }

  /** Keeps the answer for `ttlMs`; false when the claim had expired and is no longer ours. */
  async complete(key: string, ticket: string, answer: Omit<StoredAnswer, 'state'>): Promise<boolean> {
    const stored: StoredAnswer = { state: 'done', ...answer };
    return (await this.#answer(this.redis.eval(SETTLE, 1, key, ticket, JSON.stringify(stored), String(this.options.ttlMs)))) === 1;
  }

  /** Frees the key (the request failed on our side): a retry with it does the work. */
  async release(key: string, ticket: string): Promise<void> {
    await this.#answer(this.redis.eval(SETTLE, 1, key, ticket, '', '0'));
  }

  async #answer<T>(pending: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        pending,
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }
}
