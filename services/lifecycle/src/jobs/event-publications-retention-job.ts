import { sql, type Kysely } from 'kysely';
import type { Logger } from '../../../../shared/log/logger.js';
import { sleep } from '../../../../shared/util/sleep.js';
import type { JobReport, LifecycleJob } from '../lifecycle-job.js';
import type { LifecycleDatabase } from '../lifecycle-tables.js';

const DAY_MS = 86_400_000;

/**
 * Prunes the relay's lineage records (event_publications, migration 2026-12-07-81) past the
 * Authlog's retention, so a trace never outlives the event it traces. The table is keyed by
 * authlog_id and has no time index (an index would cost every relay batch), but ids grow with
 * time: the job finds the first id acknowledged inside the retention window, reading only the
 * rows it is about to delete, and deletes below it in chunks of short DELETEs by primary key.
 * A row acknowledged late (a relay crash re-published it) under a younger id goes on a later run.
 */
export class EventPublicationsRetentionJob implements LifecycleJob {
  readonly name = 'event-publications';

  constructor(
    private readonly db: Kysely<LifecycleDatabase>,
    private readonly options: { readonly retentionDays: number; readonly chunk: number; readonly pauseMs: number },
    private readonly logger: Logger,
  ) {}

  async run(now: Date, signal: AbortSignal): Promise<JobReport> {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const boundary = await this.#firstKeptId(cutoff);
    let removed = 0;
    while (!signal.aborted) {
      const limit = boundary === undefined ? sql`` : sql`AND authlog_id < ${boundary}`;
      const result = await sql`DELETE FROM event_publications WHERE acked_at < ${cutoff} ${limit} ORDER BY authlog_id LIMIT ${this.options.chunk}`.execute(this.db);
      const rows = Number(result.numAffectedRows ?? 0n);
      removed += rows;
      if (rows < this.options.chunk) break;
      await sleep(this.options.pauseMs, signal);
    }
    if (removed > 0) this.logger.info({ removed, cutoff: cutoff.toISOString() }, 'event publications pruned');
    return { status: 'ok', removed, details: { cutoff: cutoff.toISOString(), keptFromAuthlogId: boundary ?? null, interrupted: signal.aborted } };
  }

  /** The smallest authlog_id acknowledged at or after the cutoff; undefined when every row is older. */
  async #firstKeptId(cutoff: Date): Promise<string | undefined> {
    const { rows } = await sql<{ authlog_id: string | number }>`
      SELECT authlog_id FROM event_publications WHERE acked_at >= ${cutoff} ORDER BY authlog_id LIMIT 1
    `.execute(this.db);
    return rows[0] === undefined ? undefined : String(rows[0].authlog_id);
  }
}
