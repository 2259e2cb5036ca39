import type { DeliveryJobData } from '../../../shared/webhooks/delivery-queue.js';
import type { DeliveryTarget } from './endpoint-directory.js';
import type { LoadSignal } from './process-load.js';

/** Why a first attempt went to BullMQ instead of (or after) being made in process. */
export type HandOffReason = 'failed' | 'deadline' | 'queue_bound' | 'paused' | 'unlogged';

/** One message to one endpoint, taken from Kafka by the partition owner. */
export interface LaneDelivery {
  readonly data: DeliveryJobData;
  readonly target: DeliveryTarget;
  /** The body as bytes, made once per event and shared by all its endpoints. */
  readonly payload: Buffer;
  readonly takenAt: number;
  /** Called exactly once, when the delivery is settled (2xx, failed for good, or durably in BullMQ). */
  readonly onSettled: () => void;
  startedAt?: number;
  /** Handed to BullMQ while its request was still running: the request's end no longer settles it. */
  detached?: boolean;
  /** The receiver answered (or the request failed): the deadline no longer applies, whatever logging still takes. */
  answered?: boolean;
}

export interface LaneLimits {
  readonly maxConcurrency: number;
  readonly ratePerSecond: number | null;
}

/** What a lane asks of its owner: make an attempt, or hand a delivery to BullMQ. */
export interface LaneRunner {
  attempt(delivery: LaneDelivery, lane: EndpointLane): Promise<void>;
  /** `waitMs`: for a delivery not attempted, the rate slot the lane booked for it (the job waits for it). */
  handOff(delivery: LaneDelivery, reason: HandOffReason, madeAttempt: boolean, waitMs?: number): void;
}

/**
 * The in-process queue of one endpoint's first attempts: FIFO, bounded, at most `maxConcurrency`
 * requests in flight and at most `ratePerSecond` started per second (the GCRA of the Redis limiter:
 * a burst of about one interval), paused while a Retry-After holds. Nothing here touches Redis: a
 * first attempt that succeeds costs no round trip. Whatever cannot be sent now and soon (over the
 * bound, paused, or older than the first-attempt deadline) is handed to BullMQ.
 *
 * Unless the process itself is overloaded (see ProcessLoad) and this endpoint still answers: then
 * its slowness is the process's, and a hand-off would cost more CPU than the send it replaces, so
 * its deliveries stay here up to `overloadDeadlineMs` and the latency-based bound is not applied
 * (the first-attempt budget keeps the backlog in Kafka instead). An endpoint that has stopped
 * answering is handed off at the normal deadline whatever the load.
 */
export class EndpointLane {
  #queue: LaneDelivery[] = [];
  #head = 0;
  readonly #inFlight = new Set<LaneDelivery>();
  #limits: LaneLimits = { maxConcurrency: 1, ratePerSecond: null };
  /** Theoretical arrival time of the next request (GCRA), Unix ms. */
  #tat = 0;
  #pausedUntil = 0;
  #timer: NodeJS.Timeout | undefined;
  /** Mean attempt latency (EWMA, ms), undefined until the first attempt ends. */
  #latencyMs: number | undefined;
  /** When a request last ended within the deadline (Unix ms): the endpoint still answers. */
  #lastAnswerAt: number | undefined;

  constructor(
    readonly endpointId: string,
    private readonly runner: LaneRunner,
    private readonly queueBound: number,
    /** What may wait here: about as much as the endpoint answers within this time. */
    private readonly deadlineMs: number,
    private readonly load: LoadSignal,
    /** How long an answering endpoint's deliveries may stay while the process is overloaded. */
    private readonly overloadDeadlineMs: number,
  ) {}

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  get idle(): boolean {
    return this.queued === 0 && this.#inFlight.size === 0 && this.#timer === undefined;
  }

  submit(delivery: LaneDelivery, limits: LaneLimits, now = Date.now()): void {
    this.#limits = limits;
    if (this.#pausedUntil > now) return this.runner.handOff(delivery, 'paused', false);
    if (this.queued >= this.#bound(now)) return this.runner.handOff(delivery, 'queue_bound', false, this.#bookSlot(now));
    this.#queue.push(delivery);
    this.#pump(now);
  }

  /** A Retry-After: everything queued goes to BullMQ (which waits as long), new ones follow until then. */
  pause(ms: number, now = Date.now()): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, now + ms);
    for (let delivery = this.#shift(); delivery !== undefined; delivery = this.#shift()) this.runner.handOff(delivery, 'paused', false);
  }

  /**
   * Hands to BullMQ what has waited longer than `deadlineMs` since it was taken: queued ones (no
   * request made) and running ones (detached: the request goes on, its end is logged, and the
   * BullMQ job waits until it is over). The slot of a detached request stays taken until it ends.
   */
  expire(deadlineMs: number, now = Date.now()): void {
    const cutoff = now - (this.#lenient(now) ? Math.max(deadlineMs, this.overloadDeadlineMs) : deadlineMs);
    for (const delivery of this.#inFlight) {
      if (delivery.detached !== true && delivery.answered !== true && delivery.takenAt <= cutoff) {
        delivery.detached = true;
        this.runner.handOff(delivery, 'deadline', true);
      }
    }
    // FIFO: the oldest queued are at the head.
    while (this.queued > 0 && this.#queue[this.#head]!.takenAt <= cutoff) this.runner.handOff(this.#shift()!, 'deadline', false, this.#bookSlot(now));
  }

  /** Every delivery still held (queued, or running and not detached), for a shutdown that cannot wait. */
  drainAll(): void {
    for (const delivery of this.#inFlight) {
      if (delivery.detached !== true && delivery.answered !== true) {
        delivery.detached = true;
        this.runner.handOff(delivery, 'deadline', true);
      }
    }
    const now = Date.now();
    for (let delivery = this.#shift(); delivery !== undefined; delivery = this.#shift()) this.runner.handOff(delivery, 'deadline', false, this.#bookSlot(now));
  }

  /** Nothing queued, running, paused or rate-booked: the lane can be dropped (its state is all default). */
  forgettable(now = Date.now()): boolean {
    return this.idle && this.#pausedUntil <= now && this.#tat <= now;
  }

  /** How long the endpoint stays paused, 0 when it is not. */
  pausedForMs(now = Date.now()): number {
    return Math.max(0, this.#pausedUntil - now);
  }

  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #pump(now = Date.now()): void {
    while (this.queued > 0 && this.#inFlight.size < this.#limits.maxConcurrency) {
      const wait = this.#rateWait(now);
      if (wait > 0) {
        this.#timer ??= setTimeout(() => {
          this.#timer = undefined;
          this.#pump();
        }, wait);
        return;
      }
      const delivery = this.#shift()!;
      this.#inFlight.add(delivery);
      delivery.startedAt = now;
      void this.runner.attempt(delivery, this).finally(() => {
        const ended = Date.now();
        const latency = ended - now;
        if (latency <= this.deadlineMs + this.load.lagMs) this.#lastAnswerAt = ended;
        this.#latencyMs = this.#latencyMs === undefined ? latency : this.#latencyMs * 0.8 + latency * 0.2;
        this.#inFlight.delete(delivery);
        this.#pump();
      });
    }
  }

  /**
   * The queue bound: `queueBound`, and no more than the endpoint can be expected to take within the
   * deadline at its measured latency and concurrency (and its rate), so that a slow endpoint's
   * backlog goes to BullMQ at once instead of each delivery waiting out the deadline first.
   */
  #bound(now: number): number {
    const { maxConcurrency, ratePerSecond } = this.#limits;
    let bound = this.queueBound;
    if (this.#latencyMs !== undefined && !this.#lenient(now)) bound = Math.min(bound, Math.max(maxConcurrency, Math.floor((this.deadlineMs * maxConcurrency) / Math.max(1, this.#latencyMs))));
    if (ratePerSecond !== null && ratePerSecond > 0) bound = Math.min(bound, Math.max(1, Math.floor((this.deadlineMs * ratePerSecond) / 1_000)));
    return bound;
  }

  /**
   * The process is overloaded and this endpoint still answers: no request of it has gone unanswered
   * for longer than the deadline (plus the process's own delay), or one ended within the deadline
   * that recently. A hanging endpoint fails this, a process slow for everyone passes it.
   */
  #lenient(now: number): boolean {
    if (!this.load.overloaded) return false;
    const horizon = now - this.deadlineMs - this.load.lagMs;
    if (this.#lastAnswerAt !== undefined && this.#lastAnswerAt >= horizon) return true;
    // Detached requests count too: a hanging endpoint's slots are held by them.
    for (const delivery of this.#inFlight) if (delivery.answered !== true && (delivery.startedAt ?? delivery.takenAt) < horizon) return false;
    return true;
  }

  /** 0 when a request may start now (and books it), else how long to wait. */
  #rateWait(now: number): number {
    const rate = this.#limits.ratePerSecond;
    if (rate === null || rate <= 0) return 0;
    const interval = 1_000 / rate;
    const due = Math.max(this.#tat, now);
    if (due - now > interval) return Math.ceil(due - now - interval);
    this.#tat = due + interval;
    return 0;
  }

  /**
   * A rate-limited endpoint's delivery handed off unsent keeps its place in the endpoint's schedule:
   * the lane books its slot, and the job waits for it, so the lane and BullMQ together stay within
   * the rate (BullMQ's own limiter also applies, which only spaces them more).
   */
  #bookSlot(now: number): number {
    const rate = this.#limits.ratePerSecond;
    if (rate === null || rate <= 0) return 0;
    const due = Math.max(this.#tat, now);
    this.#tat = due + 1_000 / rate;
    return due - now;
  }

  #shift(): LaneDelivery | undefined {
    if (this.#head >= this.#queue.length) return undefined;
    const delivery = this.#queue[this.#head]!;
    this.#head += 1;
    if (this.#head > 1_024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    return delivery;
  }
}
