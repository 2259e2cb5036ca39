import { LruCache } from '../../../../shared/util/lru-cache.js';

/**
 * Wall-clock arithmetic in an IANA time zone with Intl only (no date library): local calendar dates
 * to UTC instants and back, correct across daylight-saving changes. Callers pass canonical ids
 * (time-zone.ts), a few hundred at most; the cache is bounded all the same, since a formatter is big.
 */
const formatters = new LruCache<string, Intl.DateTimeFormat>(1_000);

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (found === undefined) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export function wallClock(instantMs: number, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instantMs))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year ?? 0, month: parts.month ?? 0, day: parts.day ?? 0, hour: parts.hour ?? 0, minute: parts.minute ?? 0, second: parts.second ?? 0 };
}

/** Offset of the zone from UTC at `instantMs`, in minutes (New York in winter: -300). */
export function offsetMinutes(instantMs: number, timeZone: string): number {
  const clock = wallClock(instantMs, timeZone);
  const asUtc = Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
  return Math.round((asUtc - Math.floor(instantMs / 1000) * 1000) / 60_000);
}

/**
 * The instant local midnight starts `date` (YYYY-MM-DD) in `timeZone`. Where midnight does not
 * exist (a DST gap at 00:00, e.g. America/Santiago), the first instant of that local day.
 */
export function startOfLocalDay(date: string, timeZone: string): number {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const guess = Date.UTC(year, month - 1, day);
  let instant = guess - offsetMinutes(guess, timeZone) * 60_000;
  // The offset at the guess may differ from the one at the answer (a DST change in between).
  instant = guess - offsetMinutes(instant, timeZone) * 60_000;
  const clock = wallClock(instant, timeZone);
  if (clock.day !== day) {
    // Midnight fell into a gap: we landed on the previous day; the local day starts at the gap's end.
    instant += (24 - clock.hour) * 3_600_000 - clock.minute * 60_000 - clock.second * 1000;
  }
  return instant;
}

/** `instantMs` as local ISO 8601 with offset: 2026-11-01T01:00:00.000-05:00. */
export function formatZoned(instantMs: number, timeZone: string): string {
  const clock = wallClock(instantMs, timeZone);
  const offset = offsetMinutes(instantMs, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const ms = String(((instantMs % 1000) + 1000) % 1000).padStart(3, '0');
  return `${pad4(clock.year)}-${pad2(clock.month)}-${pad2(clock.day)}T${pad2(clock.hour)}:${pad2(clock.minute)}:${pad2(clock.second)}.${ms}${sign}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** The local calendar date of `instantMs`: 2026-11-01. */
export function localDate(instantMs: number, timeZone: string): string {
  return formatZoned(instantMs, timeZone).slice(0, 10);
}

const pad2 = (value: number) => String(value).padStart(2, '0');
const pad4 = (value: number) => String(value).padStart(4, '0');
