/**
 * The values the history tools (backfill, republish) take on their command lines, checked one way:
 * each throws an Error whose message names the flag and what was expected (exit code 2).
 */

/** An ISO 8601 date (2026-11-01) or a date-time with an offset; null when the flag is absent. */
export function dateArgument(flag: string, value: string | undefined): Date | null {
  if (value === undefined) return null;
  const parsed = /(Z|[+-]\d\d:\d\d)$/.test(value) || /^\d{4}-\d\d-\d\d$/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) throw new Error(`${flag} ${value}: expected an ISO 8601 date (2026-11-01) or date-time with offset (2026-11-01T00:00:00Z)`);
  return parsed;
}

export function integerArgument(flag: string, value: string, min: number, max: number): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new Error(`${flag} ${value}: expected an integer in [${min}, ${max}]`);
  return parsed;
}

/** A checkpoint name: what `--job` may be, so it fits the checkpoint tables' key. */
export function checkJobName(job: string | undefined): void {
  if (job !== undefined && !/^[\w.:=@-]{1,128}$/.test(job)) throw new Error('--job: 1-128 characters of letters, digits and _ . : = @ -');
}
