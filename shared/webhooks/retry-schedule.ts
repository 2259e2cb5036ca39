/**
 * When a message is attempted: Svix's schedule by default, i.e. immediately, then 5 s, 5 min,
 * 30 min, 2 h, 5 h, 10 h and 10 h after each failure (8 attempts over about 28 hours). Written as a
 * list of durations, the first being the initial attempt's (always immediate), so tests can run a
 * compressed schedule ("0,50ms,50ms,50ms") through the same code.
 */
export const SVIX_SCHEDULE = '0,5s,5m,30m,2h,5h,10h,10h';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Longest wait a receiver's Retry-After can impose on one message. */
const MAX_RETRY_AFTER_MS = 24 * 3_600_000;

export class RetrySchedule {
  private constructor(
    /** Wait before attempt n+1 after n failures, for n = 1..attempts-1 (index 0 is the first attempt). */
    readonly delaysMs: readonly number[],
    /** Spread of each wait: 0.1 makes a 5 s wait anything in 5..5.5 s, so failures do not retry in lockstep. */
    readonly jitter: number,
  ) {}

  /** Parses "0,5s,5m,..." (units ms, s, m, h, d; a bare number is ms); throws a RangeError naming the bad entry. */
  static parse(text: string, jitter = 0.1): RetrySchedule {
    const parts = text.split(',').map((part) => part.trim());
    if (parts.length === 0 || parts.length > 50) throw new RangeError('a retry schedule has 1 to 50 entries');
    const delays = parts.map((part) => {
      const ms = parseDuration(part);
      if (ms === undefined) throw new RangeError(`"${part}" is not a duration like 500ms, 5s, 5m, 2h or 1d`);
      return ms;
    });
    if (!(jitter >= 0 && jitter <= 1)) throw new RangeError('jitter is a fraction between 0 and 1');
    return new RetrySchedule(Object.freeze(delays), jitter);
  }

  /** Total attempts, the first one included. */
  get attempts(): number {
    return this.delaysMs.length;
  }

  /** Wait before the next attempt after `failures` failed ones (1-based), or undefined when they are exhausted. */
  delayAfter(failures: number, random: () => number = Math.random): number | undefined {
    const base = this.delaysMs[failures];
    if (base === undefined || failures < 1) return undefined;
    return Math.round(base * (1 + this.jitter * random()));
  }
}

/** "500ms", "5s", "5m", "2h", "1d" or a bare number of ms, as milliseconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9}(?:\.\d{1,3})?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (match === null) return undefined;
  return Math.round(Number(match[1]) * (UNIT_MS[match[2] ?? 'ms'] ?? 1));
}

/**
 * A Retry-After header (delta seconds or an HTTP date) as milliseconds from `now`, bounded to
 * [0, 24 h]; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1_000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}
