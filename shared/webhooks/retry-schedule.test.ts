import { describe, expect, it } from 'vitest';
import { parseRetryAfter, RetrySchedule, SVIX_SCHEDULE } from './retry-schedule.js';

describe('RetrySchedule', () => {
  it("is Svix's schedule by default: 8 attempts, then nothing", () => {
    const schedule = RetrySchedule.parse(SVIX_SCHEDULE, 0);
    expect(schedule.attempts).toBe(8);
    const waits = [1, 2, 3, 4, 5, 6, 7].map((failures) => schedule.delayAfter(failures));
    expect(waits).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(schedule.delayAfter(8)).toBeUndefined();
  });

  it('adds up to `jitter` of each wait, never less than the wait', () => {
    const schedule = RetrySchedule.parse('0,5s', 0.1);
    expect(schedule.delayAfter(1, () => 0)).toBe(5_000);
    expect(schedule.delayAfter(1, () => 0.999)).toBe(5_500);
  });

  it('reads compressed schedules for tests and rejects nonsense', () => {
    expect(RetrySchedule.parse('0, 50ms, 0.5s, 1m, 1d', 0).delaysMs).toEqual([0, 50, 500, 60_000, 86_400_000]);
    expect(() => RetrySchedule.parse('0,5x')).toThrow(/5x/);
    expect(() => RetrySchedule.parse('0,,5s')).toThrow();
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates, bounded to a day', () => {
    const now = Date.parse('2026-11-26T12:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 26 Nov 2026 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('999999999', now)).toBe(86_400_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
