import { sql, type Kysely } from 'kysely';
import type { AuditLogDatabase } from '../../../../shared/audit/audit-log-table.js';
import type { Logger } from '../../../../shared/log/logger.js';
import type { JobReport, LifecycleJob } from '../lifecycle-job.js';
import { deleteInChunks } from './delete-in-chunks.js';

const DAY_MS = 86_400_000;

/**
 * Prunes the audit log of the customer APIs (migration 2026-12-08-52) past RETENTION_AUDIT_DAYS,
 * oldest first through its time index, in chunks of short DELETEs with a pause between them so
 * the APIs writing new entries never wait long on the table.
 */
export class AuditLogRetentionJob implements LifecycleJob {
  readonly name = 'audit-log';

  constructor(
    private readonly db: Kysely<AuditLogDatabase>,
    private readonly options: { readonly retentionDays: number; readonly chunk: number; readonly pauseMs: number },
    private readonly logger: Logger,
  ) {}

  async run(now: Date, signal: AbortSignal): Promise<JobReport> {
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS);
    const { chunk, pauseMs } = this.options;
    const removed = await deleteInChunks(this.db, { statement: () => sql`DELETE FROM audit_log WHERE occurred_at < ${cutoff} ORDER BY occurred_at LIMIT ${chunk}`, chunk, pauseMs }, signal);
    if (removed > 0) this.logger.info({ removed, cutoff: cutoff.toISOString() }, 'audit log pruned');
    return { status: 'ok', removed, details: { cutoff: cutoff.toISOString(), interrupted: signal.aborted } };
  }
}
