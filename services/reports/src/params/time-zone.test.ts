import { describe, expect, it } from 'vitest';
import { canonicalTimeZone } from './time-zone.js';

describe('time zone names', () => {
  it('time zone names: one canonical id per zone whatever the spelling, offsets and junk refused', () => {
    // ICU's own answer for these is the legacy id (Asia/Calcutta, Europe/Kiev): the current one is kept.
    for (const spelling of ['Asia/Kolkata', 'asia/kolkata', 'Asia/Calcutta', 'ASIA/CALCUTTA']) expect(canonicalTimeZone(spelling)).toBe('Asia/Kolkata');
    for (const spelling of ['Europe/Kyiv', 'europe/kiev', 'Europe/Uzhgorod']) expect(canonicalTimeZone(spelling)).toBe('Europe/Kyiv');
    for (const spelling of ['utc', 'UTC', 'Etc/UTC', 'etc/utc']) expect(canonicalTimeZone(spelling)).toBe('UTC');
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    for (const spelling of ['US/Eastern', 'us/eastern', 'uS/EaStErN', 'America/New_York', 'AMERICA/NEW_YORK']) expect(canonicalTimeZone(spelling)).toBe('America/New_York');
    expect(canonicalTimeZone('uS/PaCiFiC')).toBe('America/Los_Angeles');
    for (const bad of ['+02:00', 'Mars/Base', '', 'America/New_York; DROP', '../etc/passwd']) expect(canonicalTimeZone(bad)).toBeNull();
  });
});
