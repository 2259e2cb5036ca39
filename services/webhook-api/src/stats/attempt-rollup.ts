import { sql, type Kysely } from 'kysely';
import { BUCKET_COLUMNS, bucketOf } from './latency-buckets.js';
import type { StatsDatabase, WebhookAttemptHoursTable } from './stats-tables.js';

const STATE = 'attempt_hours';
/** The 28-day window plus a margin. */
const KEEP_HOURS_MS = 35 * 86_400_000;

/**
 * Folds attempts added since the watermark into webhook_attempt_hours, reading only the primary
 * key range (watermark, upTo] of the attempt log. The rows and the watermark are written in one
 * transaction holding the state row's lock, so any number of API instances may run it and each
 * attempt is counted once.
 *
 * Why a horizon: ids are allocated when an insert starts and become visible when it commits, so
 * the newest ids may have gaps that fill a moment later. A run only advances the watermark up to
 * the largest id seen by the previous run (the horizon), at least one interval old, so an insert
 * that committed within an interval of taking its id is never skipped. What lies beyond the
 * watermark is read live by the statistics (endpoint-stats.ts), so nothing is missing meanwhile.
 */
export class AttemptRollup {
  constructor(
    private readonly db: Kysely<StatsDatabase>,
    private readonly batch = 20_000,
  ) {}

  /** One step; returns how many attempts it folded (0: caught up to the horizon). */
  async runOnce(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const state = await trx.selectFrom('webhook_rollup_state').select(['watermark', 'horizon']).where('name', '=', STATE).forUpdate().executeTakeFirstOrThrow();
      const watermark = Number(state.watermark);
      const horizon = Number(state.horizon);
      const upTo = Math.min(horizon, watermark + this.batch);
      const attempts =
        upTo <= watermark
          ? []
          : await trx
              .selectFrom('webhook_attempts')
              .select(['endpoint_id', 'account_id', 'attempted_at', 'outcome', 'latency_ms'])
              .where('id', '>', watermark)
              .where('id', '<=', upTo)
              .execute();
      const hours = new Map<string, WebhookAttemptHoursTable>();
      for (const attempt of attempts) {
        const hour = hourOf(attempt.attempted_at);
        const key = `${attempt.endpoint_id} ${hour.getTime()}`;
        let row = hours.get(key);
        if (row === undefined) {
          row = { endpoint_id: attempt.endpoint_id, account_id: attempt.account_id, hour, successes: 0, failures: 0, l0: 0, l1: 0, l2: 0, l3: 0, l4: 0, l5: 0, l6: 0, l7: 0, l8: 0, l9: 0, l10: 0, l11: 0 };
          hours.set(key, row);
        }
        if (attempt.outcome === 'success') row.successes += 1;
        else row.failures += 1;
        const column = BUCKET_COLUMNS[bucketOf(attempt.latency_ms)] ?? 'l11';
        row[column] += 1;
      }
      const rows = [...hours.values()];
      for (let start = 0; start < rows.length; start += 500) {
        await trx
          .insertInto('webhook_attempt_hours')
          .values(rows.slice(start, start + 500))
          .onDuplicateKeyUpdate(Object.fromEntries(['successes', 'failures', ...BUCKET_COLUMNS].map((column) => [column, sql`${sql.ref(column)} + VALUES(${sql.ref(column)})`])))
          .execute();
      }
      // Caught up to the horizon: the next run may go up to what exists now.
      const nextHorizon = upTo >= horizon ? Number((await trx.selectFrom('webhook_attempts').select((eb) => eb.fn.max('id').as('id')).executeTakeFirst())?.id ?? horizon) : horizon;
      await trx.updateTable('webhook_rollup_state').set({ watermark: Math.max(watermark, upTo), horizon: Math.max(horizon, nextHorizon) }).where('name', '=', STATE).execute();
      return attempts.length;
    });
  }

  /**
   * Runs steps until caught up to the horizon (a run moves the horizon too, so a second one
   * reaches it), then drops hours no statistic reads any more (older than KEEP_HOURS_MS).
   */
  async catchUp(maxSteps = 100): Promise<number> {
    let folded = 0;
    for (let step = 0; step < maxSteps; step += 1) {
      const count = await this.runOnce();
      folded += count;
      if (count < this.batch) break;
    }
    await this.db.deleteFrom('webhook_attempt_hours').where('hour', '<', new Date(Date.now() - KEEP_HOURS_MS)).limit(10_000).execute();
    return folded;
  }
}

export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
}
