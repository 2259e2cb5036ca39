import { ValidationError } from '../../../../shared/errors/validation-error.js';
import type { TimeRange } from '../params/time-range.js';

export const INTERVALS = ['hour', 'day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Rough bucket widths, to count buckets before asking Elasticsearch for them. */
const WIDTH: Record<Interval, number> = { hour: HOUR, day: DAY, week: 7 * DAY, month: 28 * DAY };

/**
 * The interval for a range: the finest that keeps a chart readable (at most ~72 hourly, ~62 daily,
 * ~53 weekly bars), or the caller's, refused when it would make more than `maxBuckets` buckets.
 */
export function chooseInterval(range: TimeRange, requested: Interval | 'auto', maxBuckets: number): Interval {
  const span = range.toMs - range.fromMs;
  if (requested === 'auto') {
    if (span <= 3 * DAY + HOUR) return 'hour';
    if (span <= 62 * DAY + HOUR) return 'day';
    if (span <= 371 * DAY) return 'week';
    return 'month';
  }
  const buckets = Math.ceil(span / WIDTH[requested]) + 1;
  if (buckets > maxBuckets) {
    throw new ValidationError([{ field: 'interval', expected: `an interval giving at most ${maxBuckets} buckets for this range (${requested} gives about ${buckets}): choose a larger one or a shorter range` }]);
  }
  return requested;
}
