import type { Message } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { DEAD_LETTER_HEADERS } from './dead-letter-headers.js';
import { fitLetter, planSends, recordBytes } from './dead-letter-sends.js';

const letter = (valueBytes: number, extra: Record<string, string> = {}): { message: Message } => ({
  message: {
    key: 'acct_one',
    value: Buffer.alloc(valueBytes, 0x61),
    headers: { ce_id: 'tx', [DEAD_LETTER_HEADERS.reason]: 'ES_REJECTED', [DEAD_LETTER_HEADERS.error]: 'e'.repeat(400), ...extra },
  },
});

describe('dead-letter sends', () => {
  it('estimates a record at no less than its key, value and headers', () => {
    const { message } = letter(1_000);
    expect(recordBytes(message)).toBeGreaterThan(8 + 1_000 + 5 + 2 + 18 + 11 + 25 + 400);
    expect(recordBytes({ value: null })).toBeGreaterThan(0);
  });

  it('splits 1,000 letters of one account into sends that each fit the budget, in order, none lost', () => {
    const letters = Array.from({ length: 1_000 }, (_, index) => ({ ...letter(1_300), index }));
    const budget = 1_048_588 - 128;
    const sends = planSends(letters, budget);
    expect(sends.length).toBeGreaterThan(1);
    for (const send of sends) expect(send.reduce((sum, entry) => sum + recordBytes(entry.message), 0)).toBeLessThanOrEqual(budget);
    expect(sends.flat().map((entry) => entry.index)).toEqual(letters.map((entry) => entry.index));
  });

  it('gives a letter larger than the budget a send of its own; fitLetter cuts its value and says how large it was', () => {
    const sends = planSends([letter(100), letter(50_000), letter(100)], 20_000);
    expect(sends.map((send) => send.length)).toEqual([1, 1, 1]);

    const big = letter(50_000).message;
    const fitted = fitLetter(big, 20_000);
    expect(recordBytes(fitted)).toBeLessThanOrEqual(20_000);
    expect(fitted.headers?.[DEAD_LETTER_HEADERS.truncated]).toBe('value of 50000 bytes cut to fit');
    expect(fitted.headers?.ce_id).toBe('tx');
    expect((fitted.value as Buffer).length).toBeGreaterThan(15_000);
    const small = letter(100).message;
    expect(fitLetter(small, 20_000)).toBe(small);
  });

  it('drops the original headers when even an empty value does not fit, and keeps its own', () => {
    const huge = letter(10, { ce_extra: 'x'.repeat(30_000) }).message;
    const fitted = fitLetter(huge, 16_384);
    expect(recordBytes(fitted)).toBeLessThanOrEqual(16_384);
    expect(fitted.headers?.ce_extra).toBeUndefined();
    expect(fitted.headers?.[DEAD_LETTER_HEADERS.reason]).toBe('ES_REJECTED');
    expect(String(fitted.headers?.[DEAD_LETTER_HEADERS.truncated])).toMatch(/original headers dropped/);
  });
});
