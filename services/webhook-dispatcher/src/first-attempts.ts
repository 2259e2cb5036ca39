import type { Logger } from '../../../shared/log/logger.js';
import type { AttemptLog } from './attempt-log.js';
import { deliveryJobId } from '../../../shared/webhooks/delivery-queue.js';
import type { EndpointLimiter } from './endpoint-limiter.js';
import type { AttemptResult, HttpDeliverer } from './http-deliverer.js';
import type { MessageStore } from '../../../shared/webhooks/message-store.js';
import { standardWebhookHeaders } from '../../../shared/webhooks/signing.js';
import { attemptRow, AttemptObserver } from './attempt-observer.js';
import type { DispatcherMetrics, FirstAttemptOutcome } from './dispatcher-metrics.js';
import { EndpointLane, type HandOffReason, type LaneDelivery, type LaneRunner } from './endpoint-lane.js';
import type { EndpointHealth } from './endpoint-health.js';
import type { AttemptNotices } from './operational/attempt-notices.js';
import type { HandOffQueue } from './hand-off-queue.js';
import { ProcessLoad } from './process-load.js';
import { RecentKeys } from './recent-keys.js';
import type { SettledMarks } from './settled-marks.js';

/** Settled deliveries remembered in process, at most (~100 B each; at least half as many). */
const RECENT_MAX = 50_000;

function claimKey(endpointId: string, messageId: string): string {
  return `${endpointId}\n${messageId}`;
}

export interface FirstAttemptSettings {
  /** Taken this long ago and not settled: handed to BullMQ (see EndpointLane.expire). */
  readonly deadlineMs: number;
  readonly queueBound: number;
  /** Event-loop delay (ms) from which the process counts as overloaded (see ProcessLoad). */
  readonly overloadLagMs: number;
  /** While overloaded, how long an endpoint that still answers keeps its deliveries in process. */
  readonly overloadDeadlineMs: number;
}

export interface FirstAttemptDependencies {
  readonly deliverer: HttpDeliverer;
  readonly attempts: AttemptLog;
  readonly messages: MessageStore;
  readonly health: EndpointHealth;
  readonly handOffs: HandOffQueue;
  readonly marks: SettledMarks;
  /** Only to publish a Retry-After pause to the BullMQ side (rare). */
  readonly limiter: EndpointLimiter;
  readonly metrics: DispatcherMetrics;
  readonly logger: Logger;
  /** Operational notices: here only `exhausted`, for a schedule of one attempt. */
  readonly notices?: AttemptNotices;
}

/**
 * First attempts of the events this process reads from Kafka, made in process, one EndpointLane per
 * endpoint: sign, POST, log the attempt (group commit), and settle. What must wait goes to BullMQ
 * with the same job id the fan-out used to give it (`<txid>/<endpoint>`), and `priorAttempts` so the
 * retry schedule continues where the first attempt left it.
 */
export class FirstAttempts implements LaneRunner {
  readonly #lanes = new Map<string, EndpointLane>();
  readonly #sweeper: NodeJS.Timeout;
  readonly #observer: AttemptObserver;
  readonly #load: ProcessLoad;
  readonly #outcomes = new Map<string, { inc(): void }>();
  readonly #reasons = new Map<string, { inc(): void }>();
  /** Totals since start, logged at shutdown (the same as the counters, without a scrape). */
  readonly #totals: Record<string, number> = {};
  /** Deliveries taken and not settled yet. */
  #open = 0;
  /**
   * Open deliveries by `<endpoint>\n<message>`, with the settle callbacks of copies of the same
   * message read meanwhile (a producer's duplicate, a re-read): a copy is settled when the original
   * is, so neither is sent twice nor committed before the original is settled.
   */
  readonly #claims = new Map<string, (() => void)[]>();
  /** Recently settled deliveries (bounded, oldest dropped): a copy read soon after is settled at once, before its settled marker may be in Redis. */
  readonly #recent = new RecentKeys(RECENT_MAX);

  constructor(
    private readonly settings: FirstAttemptSettings,
    private readonly deps: FirstAttemptDependencies,
  ) {
    this.#observer = new AttemptObserver(deps.metrics);
    this.#load = new ProcessLoad(settings.overloadLagMs, settings.overloadDeadlineMs);
    // One sweep for all lanes instead of a timer per delivery; the deadline is kept to within a quarter.
    this.#sweeper = setInterval(() => this.#sweep(), Math.max(25, Math.min(500, settings.deadlineMs / 4)));
    this.#sweeper.unref();
  }

  get open(): number {
    return this.#open;
  }

  /** Queues a first attempt (the target was read just before, from the endpoint cache). */
  submit(delivery: LaneDelivery): void {
    const key = claimKey(delivery.data.endpointId, delivery.data.messageId);
    const followers = this.#claims.get(key);
    if (followers !== undefined || this.#recent.has(key)) {
      this.#count('already_settled');
      if (followers === undefined) delivery.onSettled();
      else followers.push(delivery.onSettled);
      return;
    }
    this.#claims.set(key, []);
    this.#open += 1;
    const { endpoint } = delivery.target;
    if (!endpoint.enabled) {
      void this.#settleDisabled(delivery);
      return;
    }
    let lane = this.#lanes.get(endpoint.id);
    if (lane === undefined) {
      lane = new EndpointLane(endpoint.id, this, this.settings.queueBound, this.settings.deadlineMs, this.#load, this.settings.overloadDeadlineMs);
      this.#lanes.set(endpoint.id, lane);
    }
    lane.submit(delivery, { maxConcurrency: endpoint.maxConcurrency, ratePerSecond: endpoint.rateLimitPerSecond });
  }

  /** A delivery with nothing to do (already settled, or the endpoint is deleted): counted, settled at once. */
  skip(outcome: 'already_settled' | 'endpoint_deleted'): void {
    this.#count(outcome);
  }

  /** A Retry-After seen by a retry in this process also holds this endpoint's first attempts. */
  pause(endpointId: string, ms: number): void {
    this.#lanes.get(endpointId)?.pause(ms);
  }

  /** An endpoint's first attempts in flight and queued right now (for tests and debugging). */
  lane(endpointId: string): { inFlight: number; queued: number } | undefined {
    const lane = this.#lanes.get(endpointId);
    return lane === undefined ? undefined : { inFlight: lane.inFlight, queued: lane.queued };
  }

  /**
   * Stops: waits up to the deadline for what is running, hands the rest to BullMQ, and waits
   * (bounded by `waitMs`) for the hand-offs to be durable. What is still open afterwards is not
   * committed, so the next owner of the partition sends it.
   */
  async drain(waitMs: number): Promise<void> {
    const started = Date.now();
    const until = started + waitMs;
    // The sweeper hands off at the deadline anyway; hand everything off sooner if the wait is shorter.
    const handOffAt = Math.min(started + this.settings.deadlineMs, until - 1_000);
    let handedOff = false;
    while (this.#open > 0 && Date.now() < until) {
      if (!handedOff && Date.now() >= handOffAt) {
        handedOff = true;
        for (const lane of this.#lanes.values()) lane.drainAll();
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    clearInterval(this.#sweeper);
    this.#load.close();
    for (const lane of this.#lanes.values()) lane.close();
    this.deps.logger.info({ ...this.#totals, stillOpen: this.#open }, 'first attempts stopped');
  }

  async attempt(delivery: LaneDelivery, lane: EndpointLane): Promise<void> {
    const { data, target } = delivery;
    const now = Date.now();
    const keys = target.keys.filter((key) => key.expiresAt > now).map((key) => key.key);
    const headers = standardWebhookHeaders(keys, data.messageId, Math.floor(now / 1000), delivery.payload);
    const result = await this.deps.deliverer.post(target.endpoint.url, headers, delivery.payload, target.request);
    // From here on the lane's deadline leaves it alone: `detached` no longer changes.
    delivery.answered = true;
    // The lane's slot is the receiver's: it is free once the answer is in. Logging (group commit,
    // slower when MySQL is busy) goes on without holding it; the delivery stays open (budget,
    // offsets) until it is logged.
    void this.#afterAttempt(delivery, lane, result).catch((error: unknown) => {
      // MySQL could not take the log, the failure or the health change: BullMQ takes the delivery
      // over and runs it again (at-least-once) rather than leave it half done.
      this.deps.logger.warn({ err: error, endpointId: data.endpointId, messageId: data.messageId }, 'first attempt could not be recorded; handed to BullMQ');
      if (delivery.detached !== true) this.handOff(delivery, 'unlogged', false);
    });
  }

  /** `waitMs`: the Retry-After of a failed attempt, or the rate slot booked for one not attempted. */
  handOff(delivery: LaneDelivery, reason: HandOffReason, madeAttempt: boolean, waitMs?: number): void {
    let counter = this.#reasons.get(reason);
    if (counter === undefined) this.#reasons.set(reason, (counter = this.deps.metrics.handOffs.labels({ reason })));
    counter.inc();
    this.#totals[`handoff_${reason}`] = (this.#totals[`handoff_${reason}`] ?? 0) + 1;
    // The endpoint's own schedule and timeout (its override, or the service's).
    const { schedule, request } = delivery.target;
    const prior = madeAttempt ? 1 : 0;
    let delayMs = madeAttempt ? 0 : (waitMs ?? 0);
    if (reason === 'deadline' && madeAttempt) {
      // The request goes on: its job runs once it is surely over, so the two never overlap.
      const running = Date.now() - (delivery.startedAt ?? delivery.takenAt);
      delayMs = Math.max(schedule.delayAfter(1) ?? 0, request.timeoutMs - running + 1_000);
    } else if (reason === 'failed') {
      delayMs = waitMs === undefined ? (schedule.delayAfter(1) ?? 0) : Math.max(1_000, waitMs);
    } else if (reason === 'paused') {
      delayMs = this.#lanes.get(delivery.data.endpointId)?.pausedForMs() ?? 0;
    }
    this.deps.handOffs.add({
      jobId: deliveryJobId(delivery.data.messageId, delivery.data.endpointId),
      data: prior === 0 ? delivery.data : { ...delivery.data, priorAttempts: prior },
      delayMs,
      attempts: Math.max(1, schedule.attempts - prior),
      onDurable: () => this.#settle(delivery, 'handed_off'),
    });
  }

  async #afterAttempt(delivery: LaneDelivery, lane: EndpointLane, result: AttemptResult): Promise<void> {
    const { data, target } = delivery;
    const { endpoint } = target;
    const late = delivery.detached === true;
    if (result.retryAfterMs !== undefined && result.retryAfterMs > 0) {
      lane.pause(result.retryAfterMs);
      this.deps.limiter
        .release(endpoint.id, data.messageId, 'first-attempt', { latencyMs: result.latencyMs, settledTtlMs: 0, pauseMs: result.retryAfterMs })
        .catch((error: unknown) => this.deps.logger.warn({ err: error, endpointId: endpoint.id }, 'could not share a Retry-After pause through Redis'));
    }
    await this.deps.attempts.record(attemptRow(data, 1, result));
    this.#observer.observe(result);
    if (result.ok) {
      this.deps.metrics.eventToDeliverySeconds.observe((Date.now() - data.createdAt) / 1000);
      // A detached request that succeeded: its BullMQ job finds the marker and completes without sending.
      this.deps.marks.mark(endpoint.id, data.messageId, 'delivered');
      if (late) this.#count('late_delivered');
      else this.#settle(delivery, 'delivered');
      await this.deps.health.recordSuccess(endpoint).catch((error: unknown) => this.deps.logger.warn({ err: error, endpointId: endpoint.id }, 'could not clear the endpoint failure mark'));
      return;
    }
    const failure = result.error ?? 'failed';
    const disabled =
      result.statusCode === 410
        ? await this.deps.health.disable(endpoint, 'endpoint_gone', `the endpoint answered 410 Gone at ${new Date().toISOString()}`)
        : await this.deps.health.recordFailure(endpoint);
    if (late) {
      // Its BullMQ job already exists and continues the schedule (or finds the endpoint disabled).
      this.#count('late_failed');
      return;
    }
    if (disabled || target.schedule.attempts <= 1) {
      const reason = disabled ? 'endpoint_disabled' : 'retries_exhausted';
      // A one-attempt schedule exhausts here; longer ones report from the BullMQ retries.
      if (!disabled) await this.deps.notices?.afterFailure(data, 1, 0, result);
      await this.#markFailed(delivery, failure, reason);
      this.#settle(delivery, 'failed_for_good');
      return;
    }
    this.handOff(delivery, 'failed', true, result.retryAfterMs);
  }

  async #settleDisabled(delivery: LaneDelivery): Promise<void> {
    try {
      await this.#markFailed(delivery, `endpoint disabled (${delivery.target.endpoint.disabledReason ?? 'unknown'})`, 'endpoint_disabled');
      this.#settle(delivery, 'endpoint_disabled');
    } catch (error) {
      this.deps.logger.warn({ err: error, endpointId: delivery.data.endpointId }, 'could not record a message of a disabled endpoint; handed to BullMQ');
      this.handOff(delivery, 'unlogged', false);
    }
  }

  async #markFailed(delivery: LaneDelivery, error: string, reason: string): Promise<void> {
    const { data } = delivery;
    await this.deps.messages.markFailed({ endpointId: data.endpointId, messageId: data.messageId, accountId: data.accountId, type: data.type, body: data.body }, error);
    this.deps.marks.mark(data.endpointId, data.messageId, 'failed');
    this.deps.metrics.messagesFailed.inc({ reason });
    this.deps.logger.info({ endpointId: data.endpointId, messageId: data.messageId, reason, error }, 'webhook message failed; recoverable through the API');
  }

  #settle(delivery: LaneDelivery, outcome: FirstAttemptOutcome): void {
    this.#count(outcome);
    this.#open -= 1;
    delivery.onSettled();
    const key = claimKey(delivery.data.endpointId, delivery.data.messageId);
    for (const follower of this.#claims.get(key) ?? []) follower();
    this.#claims.delete(key);
    this.#recent.add(key);
  }

  #count(outcome: FirstAttemptOutcome): void {
    let counter = this.#outcomes.get(outcome);
    if (counter === undefined) this.#outcomes.set(outcome, (counter = this.deps.metrics.firstAttempts.labels({ outcome })));
    counter.inc();
    this.#totals[outcome] = (this.#totals[outcome] ?? 0) + 1;
  }

  #sweep(): void {
    if (this.#load.sample()) {
      const { overloaded, lagMs } = this.#load;
      this.deps.metrics.processOverloaded.set(overloaded ? 1 : 0);
      if (overloaded) this.#totals['overloaded_times'] = (this.#totals['overloaded_times'] ?? 0) + 1;
      // Not a fault, but it changes where deliveries wait (Kafka instead of BullMQ): worth a line each way.
      this.deps.logger.warn({ lagMs: Math.round(lagMs), overloaded }, overloaded ? 'process overloaded: first attempts of answering endpoints wait in process, the backlog in Kafka' : 'process no longer overloaded');
    }
    this.#totals['max_lag_ms'] = Math.max(this.#totals['max_lag_ms'] ?? 0, Math.round(this.#load.lagMs));
    const now = Date.now();
    for (const [id, lane] of this.#lanes) {
      lane.expire(this.settings.deadlineMs, now);
      if (lane.forgettable(now)) this.#lanes.delete(id);
    }
  }
}
