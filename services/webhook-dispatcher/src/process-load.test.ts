import { describe, expect, it } from 'vitest';
import { overloadedAt } from './process-load.js';

describe('overloadedAt', () => {
  it('holds the overload for holdMs after the last sample over the threshold, so it does not flap', () => {
    expect(overloadedAt(undefined, 10_000, 8_000)).toBe(false);
    expect(overloadedAt(10_000, 10_000, 8_000)).toBe(true);
    expect(overloadedAt(10_000, 17_999, 8_000)).toBe(true);
    expect(overloadedAt(10_000, 18_000, 8_000)).toBe(false);
  });
});
