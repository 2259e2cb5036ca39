import { describe, expect, it } from 'vitest';
import { nextOverloaded } from './process-load.js';

describe('nextOverloaded', () => {
  it('enters at the threshold and leaves only below half of it, so the state does not flap', () => {
    expect(nextOverloaded(false, 99, 100)).toBe(false);
    expect(nextOverloaded(false, 100, 100)).toBe(true);
    expect(nextOverloaded(true, 60, 100)).toBe(true);
    expect(nextOverloaded(true, 49, 100)).toBe(false);
  });
});
