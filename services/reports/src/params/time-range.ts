import { ValidationError } from '../../../../shared/errors/validation-error.js';
import { formatZoned, startOfLocalDay } from './zoned-time.js';

/** A half-open interval [fromMs, toMs) of UTC instants, with the zone its buckets follow. */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
  readonly timeZone: string;
}

export interface RangeInput {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** One local day, instead of from/to. */
  readonly day?: string | undefined;
}

export interface RangeLimits {
  readonly maxDays: number;
  /** When from is missing: this many local days ending today. */
  readonly defaultDays: number;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 86_400_000;

/**
 * Resolves `from`/`to` (or `day`) in `timeZone`. A date (2026-11-01) means local midnight in the
 * zone; a date-time must carry its offset (2026-11-01T08:00:00Z). `to` is exclusive, so
 * from=2026-11-01&to=2026-12-01 is November. Throws ValidationError naming the field.
 */
export function resolveTimeRange(input: RangeInput, timeZone: string, limits: RangeLimits, nowMs: number = Date.now()): TimeRange {
  if (input.day !== undefined) {
    if (input.from !== undefined || input.to !== undefined) throw invalid('day', 'either day or from/to, not both');
    const fromMs = parseInstant(input.day, 'day', timeZone, { dateOnly: true });
    return { fromMs, toMs: startOfLocalDay(nextDate(input.day), timeZone), timeZone };
  }
  const toMs = input.to === undefined ? nowMs : parseInstant(input.to, 'to', timeZone);
  const fromMs =
    input.from === undefined
      ? startOfLocalDay(formatZoned(toMs - (limits.defaultDays - 1) * DAY_MS - 1, timeZone).slice(0, 10), timeZone)
      : parseInstant(input.from, 'from', timeZone);
  if (fromMs >= toMs) throw invalid('to', `a time after from (${formatZoned(fromMs, timeZone)}); to is exclusive`);
  // Allow an hour of slack so that a range of whole local days across a DST change still fits.
  if (toMs - fromMs > limits.maxDays * DAY_MS + 3_600_000) throw invalid(input.from === undefined ? 'to' : 'from', `a range of at most ${limits.maxDays} days`);
  return { fromMs, toMs, timeZone };
}

function parseInstant(value: string, field: string, timeZone: string, options: { dateOnly?: boolean } = {}): number {
  const date = DATE.exec(value);
  if (date !== null) {
    const [, year = '', month = '', day = ''] = date;
    const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
    if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || Number(year) < 2000) {
      throw invalid(field, `a real calendar date from the year 2000 on, not ${JSON.stringify(value)}`);
    }
    return startOfLocalDay(value, timeZone);
  }
  if (options.dateOnly === true) throw invalid(field, 'a date YYYY-MM-DD (a local day in the report time zone)');
  const instant = DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(instant) || new Date(instant).getUTCFullYear() < 2000 || new Date(instant).getUTCFullYear() > 9999) {
    throw invalid(field, `a date YYYY-MM-DD (local midnight in the report time zone) or an ISO 8601 date-time with offset (2026-11-26T08:00:00Z), not ${JSON.stringify(value.slice(0, 40))}`);
  }
  return instant;
}

function nextDate(date: string): string {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + 1)).toISOString().slice(0, 10);
}

function invalid(field: string, expected: string): ValidationError {
  return new ValidationError([{ field, expected }]);
}
