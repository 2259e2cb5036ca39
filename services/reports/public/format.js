/** Display helpers: numbers with separators, times in the report's time zone. */
const numbers = new Intl.NumberFormat('en-US');

export const formatCount = (value) => (value === null || value === undefined ? '–' : numbers.format(value));

export function formatTime(iso, timeZone) {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
    .format(new Date(iso))
    .replace(',', '');
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(timeZone, now = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** A YYYY-MM-DD date plus `days`. */
export function addDays(date, days) {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) return 'unknown';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

/** Bucket start (local ISO with offset) as a short axis label for the interval. */
export function bucketLabel(start, interval) {
  if (interval === 'hour') return `${start.slice(5, 10)} ${start.slice(11, 16)}`;
  if (interval === 'month') return start.slice(0, 7);
  return start.slice(0, 10);
}
