/** What one run of a job did: logged, exported as metrics and kept in lifecycle_job_runs. */
export interface JobReport {
  /** ok: done; not_configured: a hook with nothing behind it yet (said, never silently skipped). */
  readonly status: 'ok' | 'not_configured';
  /** Items removed (indices, rows, partitions); 0 for report-only jobs. */
  readonly removed: number;
  readonly details: Readonly<Record<string, unknown>>;
}

/** One scheduled job of one sink. `now` is injected so tests can run it on a shortened clock. */
export interface LifecycleJob {
  /** Stable name: the GET_LOCK name, the metric label, the job_name column. */
  readonly name: string;
  run(now: Date, signal: AbortSignal): Promise<JobReport>;
}
