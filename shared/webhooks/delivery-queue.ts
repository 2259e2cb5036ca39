import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../log/logger.js';
import type { RetrySchedule } from './retry-schedule.js';

/** Why a delivery job exists: fanned out from Kafka, or asked for through the API. */
export type DeliveryTrigger = 'event' | 'test' | 'replay' | 'recover';

/** One message to one endpoint: everything needed to send it, so a worker reads nothing else but the endpoint. */
export interface DeliveryJobData {
  /** webhook-id: the event's txid (or msg_... for a test message); the same on every attempt. */
  readonly messageId: string;
  readonly endpointId: string;
  readonly accountId: string;
  /** Webhook type, e.g. authlog.authentication. */
  readonly type: string;
  /** The JSON body, exactly as sent and signed. */
  readonly body: string;
  readonly trigger: DeliveryTrigger;
  /** A webhook_messages row exists for this message: the worker keeps its status current. */
  readonly tracked: boolean;
  /** Unix ms when the event was created, for the end-to-end latency metric. */
  readonly createdAt: number;
  /**
   * Attempts made before the job existed: 1 when the dispatcher's in-process first attempt failed
   * (or was handed over still running), so the job's attempts continue the schedule from there.
   */
  readonly priorAttempts?: number;
}

/** A job to add: `delayMs` before its first run, `attempts` when fewer than the schedule's remain. */
export interface DeliveryJobInput {
  readonly data: DeliveryJobData;
  readonly jobId: string;
  readonly delayMs?: number;
  readonly attempts?: number;
}

/** Name of the custom BullMQ backoff strategy the dispatcher's worker implements (the retry schedule). */
export const WEBHOOK_BACKOFF = 'webhook-schedule';
const JOB_NAME = 'deliver';

/**
 * Deterministic job id of a message to an endpoint: BullMQ ignores an add whose id exists, so a
 * Kafka message consumed twice enqueues once. BullMQ forbids ':' in ids, and txids may hold one.
 * API-triggered deliveries add a suffix: a replay is a new job on purpose.
 */
export function deliveryJobId(messageId: string, endpointId: string, suffix?: string): string {
  const base = `${messageId.replaceAll('%', '%25').replaceAll(':', '%3A')}/${endpointId}`;
  return suffix === undefined ? base : `${base}/${suffix}`;
}

export interface QueueSettings {
  readonly name: string;
  /** Redis key prefix of the queue (BullMQ `prefix`). */
  readonly prefix: string;
}

/**
 * The producer side of the delivery queue, shared by the fan-out consumer and the API. Completed
 * jobs are removed at once (the dispatcher writes a compact "settled" marker instead, see
 * services/webhook-dispatcher/src/endpoint-limiter.ts); failed ones stay a week for inspection
 * (the message itself is recorded as failed in MySQL, where the API recovers it).
 */
export class DeliveryQueue {
  readonly queue: Queue<DeliveryJobData>;
  readonly #jobOptions: JobsOptions;

  constructor(connection: Redis, settings: QueueSettings, schedule: RetrySchedule, logger: Logger) {
    this.queue = new Queue<DeliveryJobData>(settings.name, { connection, prefix: settings.prefix });
    // Connection trouble surfaces here (callers also see their adds fail); without a listener BullMQ prints to stderr.
    this.queue.on('error', (error) => logger.debug({ err: error, queue: settings.name }, 'delivery queue connection error'));
    this.#jobOptions = {
      attempts: schedule.attempts,
      backoff: { type: WEBHOOK_BACKOFF },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 24 * 3600, count: 100_000 },
    };
  }

  /** Adds the jobs (ids that exist are ignored); resolves once Redis has them all. */
  async enqueue(jobs: readonly DeliveryJobInput[]): Promise<void> {
    for (let start = 0; start < jobs.length; start += 1_000) {
      await this.queue.addBulk(
        jobs.slice(start, start + 1_000).map(({ data, jobId, delayMs, attempts }) => ({
          name: JOB_NAME,
          data,
          opts: { ...this.#jobOptions, jobId, ...(delayMs === undefined || delayMs <= 0 ? {} : { delay: Math.round(delayMs) }), ...(attempts === undefined ? {} : { attempts }) },
        })),
      );
    }
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
