import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../../../shared/log/logger.js';
import type { JobReport, LifecycleJob } from '../lifecycle-job.js';
import type { LifecycleDatabase } from '../lifecycle-tables.js';
import { deleteInChunks } from './delete-in-chunks.js';

const DAY_MS = 86_400_000;

/**
 * Prunes authlog_txid (the Authlog's idempotency key, migration 2026-12-08-91) past the retry
 * horizon, LIFECYCLE_TXID_HORIZON_DAYS: a retry of a login arrives within minutes, so the key only
 * has to remember recent txids, while authlog itself keeps months. Chunks of short DELETEs through
 * ix_authlog_txid_recorded, pausing between them, so the writers' inserts never wait behind one
 * long transaction. After the horizon a retry with the very same timestamp is still caught (by
 * authlog's UNIQUE (txid, occurred_at)); one with a new timestamp would be recorded again.
 */
export class AuthlogTxidRetentionJob implements LifecycleJob {
  readonly name = 'authlog-txids';

  constructor(
    private readonly db: Kysely<LifecycleDatabase>,
    private readonly options: { readonly horizonDays: number; readonly chunk: number; readonly pauseMs: number },
    private readonly logger: Logger,
  ) {}

  async run(now: Date, signal: AbortSignal): Promise<JobReport> {
    const cutoff = new Date(now.getTime() - this.options.horizonDays * DAY_MS);
    const { chunk, pauseMs } = this.options;
    const removed = await deleteInChunks(this.db, { statement: () => sql`DELETE FROM authlog_txid WHERE recorded_at < ${cutoff} ORDER BY recorded_at LIMIT ${chunk}`, chunk, pauseMs }, signal);
    if (removed > 0) this.logger.info({ removed, cutoff: cutoff.toISOString() }, 'authlog txids past the retry horizon pruned');
    return { status: 'ok', removed, details: { cutoff: cutoff.toISOString(), interrupted: signal.aborted } };
  }
}
