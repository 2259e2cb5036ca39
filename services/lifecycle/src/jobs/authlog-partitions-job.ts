import type { JobReport, LifecycleJob } from '../lifecycle-job.js';

/** What shared/outbox's maintainAuthlogPartitions did (created ahead, dropped past retention). */
export interface PartitionMaintenance {
  readonly created: readonly string[];
  readonly dropped: readonly string[];
  /** The dropped partitions with InnoDB's estimate of the rows each held. */
  readonly droppedPartitions?: readonly { readonly name: string; readonly lessThan: string; readonly rowsEstimate: number }[];
  readonly cutoff?: string;
}

export type MaintainPartitions = (now: Date, retentionDays: number, signal: AbortSignal) => Promise<PartitionMaintenance>;

/**
 * The Authlog's monthly partitions: created ahead, and dropped once wholly past
 * RETENTION_AUTHLOG_DAYS, by shared/outbox/partitions/maintain-authlog-partitions.ts (main.ts
 * passes it). `removed` counts partitions; `onRowsDropped` is told InnoDB's estimate of the rows
 * they held (exported as a metric). Without a maintain function (a test's scheduler) the job
 * reports status "not_configured" in every run row, metric and log, never silently nothing.
 */
export class AuthlogPartitionsJob implements LifecycleJob {
  readonly name = 'authlog-partitions';

  constructor(
    private readonly retentionDays: number,
    private readonly maintain: MaintainPartitions | undefined,
    private readonly onRowsDropped: (rowsEstimate: number) => void = () => {},
  ) {}

  async run(now: Date, signal: AbortSignal): Promise<JobReport> {
    if (this.maintain === undefined) {
      return { status: 'not_configured', removed: 0, details: { reason: 'maintainAuthlogPartitions (shared/outbox) is not wired in: Authlog partitions are neither created ahead nor dropped' } };
    }
    const result = await this.maintain(now, this.retentionDays, signal);
    const rowsEstimate = (result.droppedPartitions ?? []).reduce((sum, partition) => sum + partition.rowsEstimate, 0);
    if (rowsEstimate > 0) this.onRowsDropped(rowsEstimate);
    return {
      status: 'ok',
      removed: result.dropped.length,
      details: { created: result.created, dropped: result.dropped, droppedPartitions: result.droppedPartitions ?? [], rowsEstimate, cutoff: result.cutoff ?? null, interrupted: signal.aborted },
    };
  }
}
