import type { Kysely } from 'kysely';
import type { Logger } from '../../../shared/log/logger.js';
import { sleep } from '../../../shared/util/sleep.js';
import { withJobLock } from './job-lock.js';
import type { JobReport, LifecycleJob } from './lifecycle-job.js';
import type { LifecycleMetrics } from './lifecycle-metrics.js';
import type { LifecycleDatabase } from './lifecycle-tables.js';

export interface JobOutcome {
  readonly job: string;
  readonly status: JobReport['status'] | 'failed' | 'skipped';
  readonly removed: number;
  readonly error?: string;
}

export interface LifecycleSchedulerOptions {
  readonly db: Kysely<LifecycleDatabase>;
  readonly jobs: readonly LifecycleJob[];
  readonly instance: string;
  readonly intervalMs: number;
  readonly metrics: LifecycleMetrics;
  readonly logger: Logger;
  /** The clock the jobs see (tests shorten or move it). */
  readonly now?: () => Date;
}

/**
 * Runs every job once per round, each under its own GET_LOCK (one instance runs a job; others skip
 * it), and records each run in lifecycle_job_runs. A failing job is logged, counted and recorded,
 * and does not keep the other jobs from running; the next round tries again. stop() cancels the
 * wait and lets the job in progress finish its current chunk (jobs watch the signal).
 */
export class LifecycleScheduler {
  readonly #abort = new AbortController();
  readonly #options: LifecycleSchedulerOptions;
  #loop: Promise<void> | undefined;
  #lastRound: readonly JobOutcome[] = [];
  #running: string | undefined;

  constructor(options: LifecycleSchedulerOptions) {
    this.#options = options;
  }

  get lastRound(): readonly JobOutcome[] {
    return this.#lastRound;
  }

  get runningJob(): string | undefined {
    return this.#running;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  /** One round of every job (also what the loop does each interval). */
  async runOnce(): Promise<JobOutcome[]> {
    const outcomes: JobOutcome[] = [];
    for (const job of this.#options.jobs) {
      if (this.#abort.signal.aborted) break;
      outcomes.push(await this.#runJob(job));
    }
    this.#lastRound = outcomes;
    return outcomes;
  }

  async #run(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      await this.runOnce();
      await sleep(this.#options.intervalMs, this.#abort.signal);
    }
  }

  async #runJob(job: LifecycleJob): Promise<JobOutcome> {
    const { db, metrics, logger, instance } = this.#options;
    const now = (this.#options.now ?? (() => new Date()))();
    const startedAt = new Date();
    this.#running = job.name;
    try {
      const locked = await withJobLock(db, job.name, async () => {
        let report: JobReport | undefined;
        let failure: unknown;
        try {
          report = await job.run(now, this.#abort.signal);
        } catch (error) {
          failure = error;
        }
        await db
          .insertInto('lifecycle_job_runs')
          .values({
            job_name: job.name,
            instance,
            started_at: startedAt,
            finished_at: new Date(),
            status: report?.status ?? 'failed',
            removed: report?.removed ?? 0,
            details: JSON.stringify(report?.details ?? {}).slice(0, 60_000),
            error: failure === undefined ? null : String(failure instanceof Error ? failure.message : failure).slice(0, 8_000),
          })
          .execute();
        if (failure !== undefined) throw failure;
        return report!;
      });
      if (!locked.ran) {
        metrics.runs.inc({ job: job.name, status: 'skipped' });
        logger.debug({ job: job.name }, 'another instance holds the job; skipped');
        return { job: job.name, status: 'skipped', removed: 0 };
      }
      const report = locked.result;
      metrics.runs.inc({ job: job.name, status: report.status });
      metrics.removed.inc({ job: job.name }, report.removed);
      metrics.lastSuccess.set({ job: job.name }, Date.now() / 1000);
      if (report.status === 'not_configured') logger.warn({ job: job.name, ...report.details }, 'lifecycle job not configured');
      else logger.info({ job: job.name, removed: report.removed, details: report.details }, 'lifecycle job done');
      return { job: job.name, status: report.status, removed: report.removed };
    } catch (error) {
      metrics.runs.inc({ job: job.name, status: 'failed' });
      logger.error({ err: error, job: job.name }, 'lifecycle job failed; retried next round');
      return { job: job.name, status: 'failed', removed: 0, error: error instanceof Error ? error.message : String(error) };
    } finally {
      this.#running = undefined;
    }
  }
}
