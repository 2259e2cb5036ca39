import type { Kysely } from 'kysely';
import { BUCKET_COLUMNS, bucketOf, quantileBound } from './latency-buckets.js';
import { hourOf } from './attempt-rollup.js';
import type { StatsDatabase } from './stats-tables.js';

export interface WindowStats {
  readonly since: Date;
  readonly successes: number;
  readonly failures: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
}

export interface EndpointStats {
  readonly last24h: WindowStats;
  readonly last28d: WindowStats;
  /** Failed attempts since the last success (at most STREAK_SCAN, `streakCapped` then). */
  readonly failingStreak: number;
  readonly streakCapped: boolean;
}

/** Attempts looked at, newest first, for the failing streak. */
export const STREAK_SCAN = 10_000;

interface Tally {
  successes: number;
  failures: number;
  buckets: number[];
}

/**
 * Statistics of one endpoint from the hourly rollups (at most 672 rows) plus the attempts after
 * the rollup's watermark (an index range of the endpoint's newest attempts), so the answer is
 * current without scanning the log. Windows start at a whole hour: "24 h" is from the start of
 * the hour 24 h ago (so 24 to 25 h of attempts), "28 days" likewise.
 */
export async function endpointStats(db: Kysely<StatsDatabase>, accountId: string, endpointId: string, now: Date): Promise<EndpointStats> {
  const since24h = hourOf(new Date(now.getTime() - 24 * 3_600_000));
  const since28d = hourOf(new Date(now.getTime() - 28 * 24 * 3_600_000));
  const state = await db.selectFrom('webhook_rollup_state').select('watermark').where('name', '=', 'attempt_hours').executeTakeFirstOrThrow();
  const watermark = Number(state.watermark);
  const [hours, live] = await Promise.all([
    db.selectFrom('webhook_attempt_hours').selectAll().where('endpoint_id', '=', endpointId).where('account_id', '=', accountId).where('hour', '>=', since28d).execute(),
    db
      .selectFrom('webhook_attempts')
      .select(['attempted_at', 'outcome', 'latency_ms'])
      .where('endpoint_id', '=', endpointId)
      .where('account_id', '=', accountId)
      .where('id', '>', watermark)
      .execute(),
  ]);
  const day = emptyTally();
  const month = emptyTally();
  for (const row of hours) {
    const counts = BUCKET_COLUMNS.map((column) => Number(row[column]));
    add(month, Number(row.successes), Number(row.failures), counts);
    if (row.hour >= since24h) add(day, Number(row.successes), Number(row.failures), counts);
  }
  for (const attempt of live) {
    if (attempt.attempted_at < since28d) continue;
    const counts = BUCKET_COLUMNS.map((_, index) => (index === bucketOf(attempt.latency_ms) ? 1 : 0));
    const success = attempt.outcome === 'success' ? 1 : 0;
    add(month, success, 1 - success, counts);
    if (attempt.attempted_at >= since24h) add(day, success, 1 - success, counts);
  }
  const streak = await failingStreak(db, accountId, endpointId);
  return { last24h: windowOf(since24h, day), last28d: windowOf(since28d, month), failingStreak: streak.count, streakCapped: streak.capped };
}

async function failingStreak(db: Kysely<StatsDatabase>, accountId: string, endpointId: string): Promise<{ count: number; capped: boolean }> {
  // A healthy endpoint's last attempt succeeded: look at a few first, the long scan only when failing.
  for (const limit of [50, STREAK_SCAN]) {
    const recent = await db
      .selectFrom('webhook_attempts')
      .select(['outcome'])
      .where('endpoint_id', '=', endpointId)
      .where('account_id', '=', accountId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    const lastSuccess = recent.findIndex((attempt) => attempt.outcome === 'success');
    if (lastSuccess !== -1) return { count: lastSuccess, capped: false };
    if (recent.length < limit) return { count: recent.length, capped: false };
  }
  return { count: STREAK_SCAN, capped: true };
}

function emptyTally(): Tally {
  return { successes: 0, failures: 0, buckets: BUCKET_COLUMNS.map(() => 0) };
}

function add(tally: Tally, successes: number, failures: number, counts: readonly number[]): void {
  tally.successes += successes;
  tally.failures += failures;
  counts.forEach((count, index) => (tally.buckets[index] = (tally.buckets[index] ?? 0) + count));
}

function windowOf(since: Date, tally: Tally): WindowStats {
  return { since, successes: tally.successes, failures: tally.failures, latencyP50Ms: quantileBound(tally.buckets, 0.5), latencyP95Ms: quantileBound(tally.buckets, 0.95) };
}
