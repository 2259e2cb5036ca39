import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Counter } from 'prom-client';
import type { Logger } from '../../../../shared/log/logger.js';
import type { QueueSettings } from '../../../../shared/webhooks/delivery-queue.js';
import type { OperationalEndpointStore } from '../../../../shared/webhooks/operational/operational-endpoint-store.js';
import type { OperationalNotice } from '../../../../shared/webhooks/operational/operational-notice.js';
import { OPERATIONAL_BACKOFF } from '../../../../shared/webhooks/operational/operational-queue.js';
import type { RetrySchedule } from '../../../../shared/webhooks/retry-schedule.js';
import { standardWebhookHeaders } from '../../../../shared/webhooks/signing.js';
import type { AttemptLog } from '../attempt-log.js';
import { attemptRow } from '../attempt-observer.js';
import { DeliveryFailedError } from '../delivery-failed-error.js';
import { JobParking, retryDelay } from '../job-parking.js';
import type { EndpointLimiter, EndpointLimits } from '../endpoint-limiter.js';
import type { HttpDeliverer } from '../http-deliverer.js';

export interface OperationalWorkerDependencies {
  readonly connection: Redis;
  readonly queue: QueueSettings;
  readonly endpoints: OperationalEndpointStore;
  readonly deliverer: HttpDeliverer;
  readonly attempts: AttemptLog;
  readonly limiter: EndpointLimiter;
  readonly schedule: RetrySchedule;
  readonly counter: Counter<'type' | 'outcome'>;
  readonly logger: Logger;
  readonly lockDurationMs: number;
  /** Notices in flight in this process (WEBHOOK_OPERATIONAL_CONCURRENCY). */
  readonly concurrency: number;
  /** Per operational endpoint, across processes (WEBHOOK_OPERATIONAL_MAX_CONCURRENCY, _RATE_PER_SECOND). */
  readonly limits: EndpointLimits;
}

/**
 * Delivers operational notices: signed with the operational endpoint's own secrets by the same
 * Standard Webhooks code, through the same SSRF-guarded deliverer, within the endpoint limiter, retried
 * on the service's schedule. Each attempt is logged in webhook_attempts under the operational
 * endpoint's id (trigger `operational`, GET /v1/operational-endpoint/attempts). Nothing here touches
 * endpoint health or emits notices: a failing operational endpoint cannot feed itself.
 * As in the delivery worker, anything but the delivery failing (MySQL or Redis unreachable) is our
 * problem, not the customer's: the notice is parked for a while without using up one of its attempts.
 */
export class OperationalWorker {
  #worker: Worker<OperationalNotice> | undefined;
  readonly #instance = randomBytes(6).toString('hex');
  #slots = 0;

  readonly #parking: JobParking;

  constructor(private readonly deps: OperationalWorkerDependencies) {
    this.#parking = new JobParking(deps.logger, 'operational notice');
  }

  start(): void {
    const { deps } = this;
    const worker = new Worker<OperationalNotice>(deps.queue.name, (job, token) => this.#runParked(job, token), {
      connection: deps.connection,
      prefix: deps.queue.prefix,
      concurrency: deps.concurrency,
      lockDuration: deps.lockDurationMs,
      settings: { backoffStrategy: (attemptsMade, type, error) => this.#backoff(attemptsMade, type, error) },
    });
    worker.on('error', (error) => deps.logger.error({ err: error }, 'operational worker error'));
    this.#worker = worker;
  }

  async stop(): Promise<void> {
    await this.#worker?.close();
  }

  get isRunning(): boolean {
    return this.#worker?.isRunning() ?? false;
  }

  async #runParked(job: Job<OperationalNotice>, token: string | undefined): Promise<string> {
    try {
      const outcome = await this.#run(job, token);
      this.#parking.ran();
      return outcome;
    } catch (error) {
      return this.#parking.park(error, job, token, { accountId: job.data.accountId, type: job.data.type });
    }
  }

  async #run(job: Job<OperationalNotice>, token: string | undefined): Promise<string> {
    const notice = job.data;
    const target = await this.deps.endpoints.target(notice.accountId);
    if (target === undefined || !target.endpoint.enabled) {
      this.deps.counter.inc({ type: notice.type, outcome: 'dropped' });
      return 'no_operational_endpoint';
    }
    const { endpoint } = target;
    const slot = `${this.#instance}:op:${(this.#slots += 1)}`;
    const acquired = await this.deps.limiter.acquire(endpoint.id, notice.id, slot, this.deps.limits, false);
    if (acquired.kind === 'wait') {
      await job.moveToDelayed(Date.now() + acquired.waitMs, token);
      throw new DelayedError();
    }
    const release = { latencyMs: 1, settledTtlMs: 0, pauseMs: 0 };
    try {
      const now = Date.now();
      const headers = standardWebhookHeaders(target.keys, notice.id, Math.floor(now / 1000), notice.body);
      const result = await this.deps.deliverer.post(endpoint.url, headers, notice.body);
      release.latencyMs = result.latencyMs;
      const attempt = job.attemptsMade + 1;
      const of = { endpointId: endpoint.id, accountId: notice.accountId, messageId: notice.id, trigger: 'operational' };
      await this.deps.attempts.record({ ...attemptRow(of, attempt, result), notice_type: notice.type });
      if (result.ok) {
        this.deps.counter.inc({ type: notice.type, outcome: 'delivered' });
        return 'delivered';
      }
      const failure = result.error ?? 'failed';
      if (attempt >= (job.opts.attempts ?? 1)) {
        this.deps.counter.inc({ type: notice.type, outcome: 'failed' });
        this.deps.logger.warn({ accountId: notice.accountId, noticeId: notice.id, type: notice.type, error: failure }, 'operational notice not delivered; retries ran out');
        throw new UnrecoverableError(`retries_exhausted: ${failure}`);
      }
      release.pauseMs = result.retryAfterMs ?? 0;
      throw new DeliveryFailedError(failure, true, result.retryAfterMs, this.deps.schedule.delayAfter(attempt));
    } finally {
      await this.deps.limiter.release(endpoint.id, notice.id, slot, release);
    }
  }

  #backoff(attemptsMade: number, type: string | undefined, error: Error | undefined): number {
    return type === OPERATIONAL_BACKOFF ? retryDelay(attemptsMade, error, this.deps.schedule) : 0;
  }
}
