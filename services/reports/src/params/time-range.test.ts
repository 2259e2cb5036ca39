import { describe, expect, it } from 'vitest';
import { resolveTimeRange } from './time-range.js';
import { formatZoned } from './zoned-time.js';
import { validationFieldOf as fieldOf } from '../../../../testing/validation-field.js';

const limits = { maxDays: 366, defaultDays: 7 };

describe('time ranges', () => {
  const now = Date.parse('2026-11-26T15:00:00Z');
  it('dates are local midnights, to is exclusive, the default is the last 7 local days', () => {
    const range = resolveTimeRange({ from: '2026-11-01', to: '2026-12-01' }, 'America/New_York', limits, now);
    expect(new Date(range.fromMs).toISOString()).toBe('2026-11-01T04:00:00.000Z');
    expect(new Date(range.toMs).toISOString()).toBe('2026-12-01T05:00:00.000Z');
    const day = resolveTimeRange({ day: '2026-11-01' }, 'America/New_York', limits, now);
    expect(day.toMs - day.fromMs).toBe(25 * 3_600_000);
    const noon = Date.parse('2026-11-26T03:00:00Z'); // 12:00 in Tokyo
    const fallback = resolveTimeRange({}, 'Asia/Tokyo', limits, noon);
    expect(formatZoned(fallback.fromMs, 'Asia/Tokyo')).toBe('2026-11-20T00:00:00.000+09:00');
    expect(fallback.toMs).toBe(noon);
    const instant = resolveTimeRange({ from: '2026-11-26T08:00:00+01:00', to: '2026-11-26T10:00:00Z' }, 'UTC', limits, now);
    expect(instant.toMs - instant.fromMs).toBe(3 * 3_600_000);
  });

  it('refuses impossible dates, missing offsets, reversed and too long ranges, naming the field', () => {
    expect(fieldOf(() => resolveTimeRange({ from: '2026-02-29' }, 'UTC', limits, now))).toBe('from');
    expect(fieldOf(() => resolveTimeRange({ from: '2026-11-01T10:00' }, 'UTC', limits, now))).toBe('from');
    expect(fieldOf(() => resolveTimeRange({ from: '1999-12-31' }, 'UTC', limits, now))).toBe('from');
    expect(fieldOf(() => resolveTimeRange({ from: '2026-11-02', to: '2026-11-01' }, 'UTC', limits, now))).toBe('to');
    expect(fieldOf(() => resolveTimeRange({ from: '2025-01-01', to: '2026-11-01' }, 'UTC', limits, now))).toBe('from');
    expect(fieldOf(() => resolveTimeRange({ day: '2026-11-01', from: '2026-11-01' }, 'UTC', limits, now))).toBe('day');
    expect(fieldOf(() => resolveTimeRange({ day: '2026-11-01T00:00:00Z' }, 'UTC', limits, now))).toBe('day');
    // a whole-days range across a DST change still fits a limit counted in days
    expect(fieldOf(() => resolveTimeRange({ from: '2026-10-02', to: '2026-11-01' }, 'Europe/Berlin', { maxDays: 30, defaultDays: 7 }, now))).toBeUndefined();
  });

});
