import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import type { Logger } from '../../log/logger.js';
import type { QueueSettings } from '../delivery-queue.js';
import type { RetrySchedule } from '../retry-schedule.js';
import type { OperationalNotice } from './operational-notice.js';

/** Name of the BullMQ backoff strategy of notice jobs (the dispatcher's operational worker implements it). */
export const OPERATIONAL_BACKOFF = 'operational-schedule';

/** The notices' own queue beside the delivery queue: a backlog of deliveries never delays a notice. */
export function operationalQueueSettings(delivery: QueueSettings): QueueSettings {
  return { name: `${delivery.name}-operational`, prefix: delivery.prefix };
}

/**
 * Emits notices durably: `emit` resolves once Redis (persistent, checked at start) holds the job, so
 * callers emit before they acknowledge whatever caused the notice. The job id is the notice id:
 * BullMQ ignores an add whose id exists, and completed jobs are kept a day for that.
 */
export class OperationalQueue {
  readonly queue: Queue<OperationalNotice>;

  constructor(
    connection: Redis,
    settings: QueueSettings,
    private readonly schedule: RetrySchedule,
    private readonly counter: Counter<'type' | 'outcome'>,
    logger: Logger,
  ) {
    this.queue = new Queue<OperationalNotice>(settings.name, { connection, prefix: settings.prefix });
    this.queue.on('error', (error) => logger.debug({ err: error, queue: settings.name }, 'operational queue connection error'));
  }

  async emit(notice: OperationalNotice): Promise<void> {
    await this.queue.add('notice', notice, {
      jobId: notice.id,
      attempts: this.schedule.attempts,
      backoff: { type: OPERATIONAL_BACKOFF },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
    });
    this.counter.inc({ type: notice.type, outcome: 'queued' });
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
