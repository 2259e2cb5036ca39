import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../../../shared/log/logger.js';
import { WEBHOOK_BACKOFF, type DeliveryJobData, type QueueSettings } from '../../../shared/webhooks/delivery-queue.js';
import { JobParking, retryDelay } from './job-parking.js';
import type { RetrySchedule } from '../../../shared/webhooks/retry-schedule.js';
import type { DeliveryProcessor } from './delivery-processor.js';
import type { StalledJobRecorder } from './stalled-job-recorder.js';

export interface WorkerSettings {
  /** Jobs in flight in this process: deliveries are I/O bound, so high. */
  readonly concurrency: number;
  /** BullMQ job lock; a dispatcher that dies leaves its jobs to be picked up after about this long. */
  readonly lockDurationMs: number;
  readonly stalledIntervalMs: number;
  /** A job whose dispatcher died while holding it this many times is failed (recorded, recoverable). */
  readonly maxStalledCount: number;
}

/**
 * The BullMQ worker around DeliveryProcessor. Delivery failures go through BullMQ's retries with
 * our schedule (a custom backoff strategy: the retry schedule, or the receiver's Retry-After).
 * Anything else that fails in a job (MySQL or Redis unreachable) is our problem, not the
 * customer's: the job is parked for a while without using up one of its attempts.
 */
export class DeliveryWorker {
  #worker: Worker<DeliveryJobData> | undefined;
  readonly #parking: JobParking;

  constructor(
    private readonly connection: Redis,
    private readonly queue: QueueSettings,
    private readonly processor: DeliveryProcessor,
    private readonly schedule: RetrySchedule,
    private readonly settings: WorkerSettings,
    private readonly logger: Logger,
    private readonly stalled: StalledJobRecorder,
  ) {
    this.#parking = new JobParking(logger, 'delivery job');
  }

  start(): void {
    const worker = new Worker<DeliveryJobData>(this.queue.name, (job, token) => this.#run(job, token), {
      connection: this.connection,
      prefix: this.queue.prefix,
      concurrency: this.settings.concurrency,
      lockDuration: this.settings.lockDurationMs,
      stalledInterval: this.settings.stalledIntervalMs,
      // A job is re-run after each crash of the process running it. #run fails one that reached
      // maxStalledCount itself, after recording it; BullMQ's own limit is one higher, a backstop
      // for a run that dies again while recording (the 'failed' handler below records those).
      maxStalledCount: this.settings.maxStalledCount + 1,
      settings: { backoffStrategy: (attemptsMade, type, error, job) => this.#backoff(attemptsMade + priorAttemptsOf(job), type, error) },
    });
    worker.on('error', (error) => this.logger.error({ err: error }, 'delivery worker error'));
    worker.on('failed', (job, error) => {
      // BullMQ failed it without running it (its deferred failure): nothing recorded it yet.
      if (job === undefined || !job.deferredFailure) return;
      this.stalled.record(job, `failed by the queue: ${error.message} (stalled ${job.stalledCounter} times)`).catch((recordError: unknown) =>
        this.logger.error({ err: recordError, jobId: job.id, cause: error.message }, 'could not record a job failed by the queue; it stays in the failed set only'),
      );
    });
    this.#worker = worker;
  }

  /** Stops fetching jobs and waits for the ones in flight (each bounded by the attempt timeout). */
  async stop(): Promise<void> {
    await this.#worker?.close();
  }

  get isRunning(): boolean {
    return this.#worker?.isRunning() ?? false;
  }

  async #run(job: Job<DeliveryJobData>, token: string | undefined): Promise<string> {
    try {
      if (job.stalledCounter >= this.settings.maxStalledCount) {
        // Recorded before the job fails, so a crash in between leaves it to run (and record) again;
        // MySQL unreachable parks it below like any job, without using an attempt.
        const why = `its dispatcher died while delivering it ${job.stalledCounter} times (WEBHOOK_MAX_STALLED_COUNT)`;
        await this.stalled.record(job, why);
        throw new UnrecoverableError(`stalled: ${why}`);
      }
      const outcome = await this.processor.process(job, token);
      this.#parking.ran();
      return outcome;
    } catch (error) {
      return this.#parking.park(error, job, token, { endpointId: job.data.endpointId });
    }
  }

  /** `attemptsMade` counts the in-process first attempt too when the job continues one (priorAttempts). */
  #backoff(attemptsMade: number, type: string | undefined, error: Error | undefined): number {
    return type === WEBHOOK_BACKOFF ? retryDelay(attemptsMade, error, this.schedule) : 0;
  }
}

function priorAttemptsOf(job: { data?: unknown } | undefined): number {
  const prior = (job?.data as Partial<DeliveryJobData> | undefined)?.priorAttempts;
  return typeof prior === 'number' ? prior : 0;
}
