import type { JobReport, LifecycleJob } from '../lifecycle-job.js';

/** What shared/outbox's maintainAuthlogPartitions did (created ahead, dropped past retention). */
export interface PartitionMaintenance {
  readonly created: readonly string[];
  readonly dropped: readonly string[];
}

export type MaintainPartitions = (now: Date, retentionDays: number, signal: AbortSignal) => Promise<PartitionMaintenance>;

/**
 * HOOK: the Authlog's monthly partitions (created ahead, dropped past RETENTION_AUTHLOG_DAYS) are
 * maintained by maintainAuthlogPartitions, written in shared/outbox by the outbox-writer work.
 * Until that function is wired in here (main.ts passes it), this job runs, takes its lock, and
 * reports status "not_configured" in lifecycle_job_runs, /metrics and the logs: Authlog rows are
 * NOT being dropped past retention yet.
 */
export class AuthlogPartitionsJob implements LifecycleJob {
  readonly name = 'authlog-partitions';

  constructor(
    private readonly retentionDays: number,
    private readonly maintain: MaintainPartitions | undefined,
  ) {}

  async run(now: Date, signal: AbortSignal): Promise<JobReport> {
    if (this.maintain === undefined) {
      return { status: 'not_configured', removed: 0, details: { reason: 'maintainAuthlogPartitions (shared/outbox) is not wired in: Authlog partitions are neither created ahead nor dropped' } };
    }
    const result = await this.maintain(now, this.retentionDays, signal);
    return { status: 'ok', removed: result.dropped.length, details: { created: result.created, dropped: result.dropped } };
  }
}
