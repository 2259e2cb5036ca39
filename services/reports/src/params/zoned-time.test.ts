import { describe, expect, it } from 'vitest';
import { formatZoned, offsetMinutes, startOfLocalDay } from './zoned-time.js';

describe('local days in IANA zones', () => {
  it('finds local midnight on ordinary, DST and half-hour-offset days', () => {
    expect(formatZoned(startOfLocalDay('2026-11-01', 'America/New_York'), 'America/New_York')).toBe('2026-11-01T00:00:00.000-04:00');
    expect(formatZoned(startOfLocalDay('2026-11-02', 'America/New_York'), 'America/New_York')).toBe('2026-11-02T00:00:00.000-05:00');
    expect(startOfLocalDay('2026-11-02', 'America/New_York') - startOfLocalDay('2026-11-01', 'America/New_York')).toBe(25 * 3_600_000);
    expect(startOfLocalDay('2026-03-09', 'America/New_York') - startOfLocalDay('2026-03-08', 'America/New_York')).toBe(23 * 3_600_000);
    expect(new Date(startOfLocalDay('2026-10-25', 'Europe/Berlin')).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-10-26', 'Europe/Berlin')).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-11-26', 'Asia/Kolkata')).toISOString()).toBe('2026-11-25T18:30:00.000Z');
    expect(new Date(startOfLocalDay('2026-10-04', 'Australia/Sydney')).toISOString()).toBe('2026-10-03T14:00:00.000Z');
    expect(new Date(startOfLocalDay('2026-10-05', 'Australia/Sydney')).toISOString()).toBe('2026-10-04T13:00:00.000Z');
  });

  it('where midnight does not exist, the day starts when the clocks jump (Santiago, 6 Sep 2026)', () => {
    const start = startOfLocalDay('2026-09-06', 'America/Santiago');
    expect(formatZoned(start, 'America/Santiago')).toBe('2026-09-06T01:00:00.000-03:00');
    expect(formatZoned(start - 1, 'America/Santiago')).toBe('2026-09-05T23:59:59.999-04:00');
  });

  it('offsets and formatting', () => {
    expect(offsetMinutes(Date.parse('2026-07-01T00:00:00Z'), 'Asia/Kathmandu')).toBe(345);
    expect(formatZoned(Date.parse('2026-11-01T06:30:00.123Z'), 'America/New_York')).toBe('2026-11-01T01:30:00.123-05:00');
    expect(formatZoned(Date.parse('2026-11-01T05:30:00Z'), 'America/New_York')).toBe('2026-11-01T01:30:00.000-04:00');
  });

});
