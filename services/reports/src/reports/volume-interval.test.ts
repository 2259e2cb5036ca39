import { describe, expect, it } from 'vitest';
import { chooseInterval } from './volume-interval.js';
import { validationFieldOf as fieldOf } from '../../../../testing/validation-field.js';

describe('report intervals', () => {
  it('chooses hour, day, week or month from the span, and refuses too many buckets', () => {
    const span = (days: number) => ({ fromMs: 0, toMs: days * 86_400_000, timeZone: 'UTC' });
    expect(chooseInterval(span(1), 'auto', 1000)).toBe('hour');
    expect(chooseInterval(span(3), 'auto', 1000)).toBe('hour');
    expect(chooseInterval(span(7), 'auto', 1000)).toBe('day');
    expect(chooseInterval(span(90), 'auto', 1000)).toBe('week');
    expect(chooseInterval(span(400), 'auto', 1000)).toBe('month');
    expect(chooseInterval(span(30), 'hour', 1000)).toBe('hour');
    expect(fieldOf(() => chooseInterval(span(60), 'hour', 1000))).toBe('interval');
  });
});
