import { randomBytes } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from '../../../shared/log/logger.js';
import type { AttemptLog } from './attempt-log.js';
import type { DeliveryJobData } from '../../../shared/webhooks/delivery-queue.js';
import type { EndpointLimiter } from './endpoint-limiter.js';
import { DeliveryFailedError } from './delivery-failed-error.js';
import type { AttemptResult, HttpDeliverer } from './http-deliverer.js';
import type { MessageStore } from '../../../shared/webhooks/message-store.js';
import { standardWebhookHeaders } from '../../../shared/webhooks/signing.js';
import { attemptRow, AttemptObserver } from './attempt-observer.js';
import type { DispatcherMetrics } from './dispatcher-metrics.js';
import type { DeliveryTarget, EndpointDirectory } from './endpoint-directory.js';
import type { EndpointHealth } from './endpoint-health.js';
import type { AttemptNotices } from './operational/attempt-notices.js';

export interface ProcessorDependencies {
  readonly directory: EndpointDirectory;
  readonly limiter: EndpointLimiter;
  readonly deliverer: HttpDeliverer;
  readonly attempts: AttemptLog;
  readonly messages: MessageStore;
  readonly health: EndpointHealth;
  readonly metrics: DispatcherMetrics;
  readonly logger: Logger;
  /** How long "this message is settled" markers are kept (dedupe window for Kafka replays). */
  readonly settledTtlMs: number;
  /** Told of a Retry-After, so this process's in-process first attempts to the endpoint pause too. */
  readonly onPause?: (endpointId: string, ms: number) => void;
  /** Operational notices (failing, exhausted, recovered), emitted before the job's outcome is acknowledged. */
  readonly notices?: AttemptNotices;
}

export type ProcessOutcome = 'delivered' | 'already_settled' | 'endpoint_deleted' | 'endpoint_disabled';

/**
 * One BullMQ job: one attempt to deliver one message to one endpoint.
 *
 *  1. endpoint deleted: nothing to do. Disabled: the message is recorded as failed (recoverable).
 *  2. ask the endpoint limiter for a slot; if the endpoint is busy, rate limited or paused, park the
 *     job in the delayed set (DelayedError: no attempt is used up, no worker slot is held).
 *  3. sign (Standard Webhooks, every active secret) and POST; log the attempt in MySQL and only then
 *     free the slot and mark the message settled, so a crash in between re-sends (at-least-once)
 *     rather than losing the log or the message.
 *  4. failure: 410 or a 5-day failure run disables the endpoint; the last attempt (or a disable)
 *     records the message as failed and ends the job (UnrecoverableError); otherwise
 *     DeliveryFailedError hands the job to BullMQ's retry with our schedule.
 */
export class DeliveryProcessor {
  readonly #observer: AttemptObserver;
  /** Slot tokens: unique per process start and acquisition, cheaper than a UUID per delivery. */
  readonly #instance = randomBytes(6).toString('hex');
  #slots = 0;

  constructor(private readonly deps: ProcessorDependencies) {
    this.#observer = new AttemptObserver(deps.metrics);
  }

  async process(job: Job<DeliveryJobData>, token: string | undefined): Promise<ProcessOutcome> {
    const data = job.data;
    const target = await this.deps.directory.target(data.endpointId);
    if (target === undefined) return 'endpoint_deleted';
    const { endpoint } = target;
    if (!endpoint.enabled) {
      await this.#settleAsFailed(data, `endpoint disabled (${endpoint.disabledReason ?? 'unknown'})`, 'endpoint_disabled');
      return 'endpoint_disabled';
    }
    const slot = `${this.#instance}:${(this.#slots += 1)}`;
    const limits = { maxConcurrency: endpoint.maxConcurrency, ratePerSecond: endpoint.rateLimitPerSecond };
    const acquired = await this.deps.limiter.acquire(endpoint.id, data.messageId, slot, limits, data.trigger === 'event');
    if (acquired.kind === 'settled') return 'already_settled';
    if (acquired.kind === 'wait') {
      this.deps.metrics.deferred.inc();
      await job.moveToDelayed(Date.now() + acquired.waitMs, token);
      throw new DelayedError();
    }

    // Whatever happens below, the slot is freed; only a settled outcome marks the message settled,
    // and only after MySQL has what it must keep.
    const release: { latencyMs: number; settledTtlMs: number; settledAs?: string; pauseMs?: number } = { latencyMs: 1, settledTtlMs: 0 };
    try {
      const result = await this.#attempt(target, data);
      release.latencyMs = result.latencyMs;
      const made = (data.priorAttempts ?? 0) + job.attemptsMade + 1;
      await this.deps.attempts.record(attemptRow(data, made, result));
      this.#observer.observe(result);
      if (result.ok) {
        if (data.tracked) await this.deps.messages.markDelivered(endpoint.id, data.messageId);
        await this.deps.health.recordSuccess(endpoint);
        await this.deps.notices?.afterSuccess(data, made, result);
        release.settledTtlMs = this.deps.settledTtlMs;
        if (data.trigger === 'event') this.deps.metrics.eventToDeliverySeconds.observe((Date.now() - data.createdAt) / 1000);
        return 'delivered';
      }
      const failure = result.error ?? 'failed';
      const disabled =
        result.statusCode === 410
          ? await this.deps.health.disable(endpoint, 'endpoint_gone', `the endpoint answered 410 Gone at ${new Date().toISOString()}`)
          : await this.deps.health.recordFailure(endpoint);
      // The endpoint's schedule decides, within the attempts the job was created with (a schedule
      // lengthened after the job was enqueued does not add attempts BullMQ would not run).
      const attemptsLeft = Math.min((job.opts.attempts ?? 1) - (job.attemptsMade + 1), target.schedule.attempts - made);
      // A disabled endpoint was reported as such (endpoint.disabled), not message by message.
      if (!disabled) await this.deps.notices?.afterFailure(data, made, attemptsLeft, result);
      if (disabled || attemptsLeft <= 0) {
        const reason = disabled ? 'endpoint_disabled' : 'retries_exhausted';
        await this.#settleAsFailed(data, failure, reason);
        Object.assign(release, { settledTtlMs: this.deps.settledTtlMs, settledAs: 'failed' });
        throw new UnrecoverableError(`${reason}: ${failure}`);
      }
      release.pauseMs = result.retryAfterMs ?? 0;
      if (release.pauseMs > 0) this.deps.onPause?.(endpoint.id, release.pauseMs);
      throw new DeliveryFailedError(failure, true, result.retryAfterMs, target.schedule.delayAfter(made));
    } finally {
      await this.deps.limiter.release(endpoint.id, data.messageId, slot, release);
    }
  }

  async #attempt(target: DeliveryTarget, data: DeliveryJobData): Promise<AttemptResult> {
    const now = Date.now();
    const keys = target.keys.filter((key) => key.expiresAt > now).map((key) => key.key);
    const headers = standardWebhookHeaders(keys, data.messageId, Math.floor(now / 1000), data.body);
    return this.deps.deliverer.post(target.endpoint.url, headers, data.body, target.request);
  }

  async #settleAsFailed(data: DeliveryJobData, error: string, reason: string): Promise<void> {
    await this.deps.messages.markFailed(
      { endpointId: data.endpointId, messageId: data.messageId, accountId: data.accountId, type: data.type, body: data.body },
      error,
    );
    this.deps.metrics.messagesFailed.inc({ reason });
    this.deps.logger.info({ endpointId: data.endpointId, messageId: data.messageId, reason, error }, 'webhook message failed; recoverable through the API');
  }
}
