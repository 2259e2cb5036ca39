import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../../../shared/log/logger.js';
import { backoffDelay } from '../../../shared/util/backoff.js';
import type { RetrySchedule } from '../../../shared/webhooks/retry-schedule.js';
import { DeliveryFailedError } from './delivery-failed-error.js';

/** The floor of a Retry-After we honour: a receiver asking for 0 s must not get a hot loop. */
const MIN_RETRY_AFTER_MS = 1_000;

/**
 * What a BullMQ worker of deliveries (customer messages or operational notices) does when a job
 * fails for a reason that is ours, not the receiver's (MySQL or Redis unreachable): the job is moved
 * to the delayed set for a while (1 s doubling to 1 min while failures go on) without using up one
 * of its attempts. A delivery's own outcomes (delayed, unrecoverable, failed) go through as they are.
 */
export class JobParking {
  #failures = 0;

  constructor(
    private readonly logger: Logger,
    /** Names the job in the log line: "<what> could not run; ...". */
    private readonly what: string,
  ) {}

  /** The job ran (whatever its outcome): the next infrastructure failure starts from 1 s again. */
  ran(): void {
    this.#failures = 0;
  }

  async park(error: unknown, job: Job, token: string | undefined, context: Record<string, unknown>): Promise<never> {
    if (error instanceof DelayedError || error instanceof UnrecoverableError || error instanceof DeliveryFailedError) throw error;
    const waitMs = backoffDelay(Math.min(this.#failures++, 6), { initialMs: 1_000, maxMs: 60_000, factor: 2 });
    this.logger.warn({ err: error, jobId: job.id, ...context, waitMs }, `${this.what} could not run; retrying later without using an attempt`);
    await job.moveToDelayed(Date.now() + waitMs, token);
    throw new DelayedError();
  }
}

/**
 * BullMQ's backoff for a failed delivery attempt: the receiver's Retry-After (at least 1 s), else
 * the endpoint's schedule as the processor found it, else the service's; -1 when none is left.
 */
export function retryDelay(attemptsMade: number, error: Error | undefined, schedule: RetrySchedule): number {
  if (error instanceof DeliveryFailedError && error.retryAfterMs !== undefined) return Math.max(MIN_RETRY_AFTER_MS, error.retryAfterMs);
  if (error instanceof DeliveryFailedError && error.scheduledDelayMs !== undefined) return error.scheduledDelayMs;
  return schedule.delayAfter(attemptsMade) ?? -1;
}
