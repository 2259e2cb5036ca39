import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeliveryTarget } from './endpoint-directory.js';
import { EndpointLane, type HandOffReason, type LaneDelivery, type LaneLimits, type LaneRunner } from './endpoint-lane.js';
import type { LoadSignal } from './process-load.js';

const DEADLINE_MS = 2_000;
const OVERLOAD_DEADLINE_MS = 8_000;
const T0 = 1_700_000_000_000;

/** A runner whose requests end when the test says so, and which records what it was given. */
class FakeRunner implements LaneRunner {
  readonly started: LaneDelivery[] = [];
  readonly handedOff: { id: string; reason: HandOffReason; madeAttempt: boolean; waitMs: number | undefined }[] = [];
  readonly #finish = new Map<string, () => void>();

  attempt(delivery: LaneDelivery): Promise<void> {
    this.started.push(delivery);
    return new Promise((resolve) => this.#finish.set(delivery.data.messageId, () => {
      delivery.answered = true;
      resolve();
    }));
  }

  handOff(delivery: LaneDelivery, reason: HandOffReason, madeAttempt: boolean, waitMs?: number): void {
    this.handedOff.push({ id: delivery.data.messageId, reason, madeAttempt, waitMs });
  }

  /** Ends a request; the lane sees it on the next microtask turn. */
  async answer(id: string): Promise<void> {
    this.#finish.get(id)!();
    await vi.advanceTimersByTimeAsync(0);
  }

  ids(): string[] {
    return this.started.map((delivery) => delivery.data.messageId);
  }
}

function delivery(id: string, takenAt = Date.now()): LaneDelivery {
  return {
    data: { messageId: id, endpointId: 'ep', accountId: 'acc', type: 't', body: '{}', trigger: 'event', tracked: false, createdAt: takenAt },
    target: {} as DeliveryTarget,
    payload: Buffer.from('{}'),
    takenAt,
    onSettled: () => undefined,
  };
}

const load: { overloaded: boolean; lagMs: number } = { overloaded: false, lagMs: 0 };

function lane(runner: FakeRunner, queueBound = 1_000): EndpointLane {
  const signal: LoadSignal = load;
  return new EndpointLane('ep', runner, queueBound, DEADLINE_MS, signal, OVERLOAD_DEADLINE_MS);
}

describe('EndpointLane', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
    load.overloaded = false;
    load.lagMs = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('keeps at most max_concurrency requests in flight, FIFO', async () => {
    const runner = new FakeRunner();
    const l = lane(runner);
    const limits: LaneLimits = { maxConcurrency: 2, ratePerSecond: null };
    for (const id of ['a', 'b', 'c', 'd']) l.submit(delivery(id), limits);
    expect(runner.ids()).toEqual(['a', 'b']);
    expect(l.queued).toBe(2);
    await runner.answer('b');
    expect(runner.ids()).toEqual(['a', 'b', 'c']);
    expect(l.inFlight).toBe(2);
  });

  it('hands off what is over the queue bound, unsent', () => {
    const runner = new FakeRunner();
    const l = lane(runner, 2);
    const limits: LaneLimits = { maxConcurrency: 1, ratePerSecond: null };
    for (const id of ['a', 'b', 'c', 'd']) l.submit(delivery(id), limits);
    expect(runner.ids()).toEqual(['a']);
    expect(runner.handedOff).toEqual([{ id: 'd', reason: 'queue_bound', madeAttempt: false, waitMs: 0 }]);
  });

  it('keeps to the rate (a burst of about one interval) and bounds the queue to what the rate sends within the deadline', async () => {
    const runner = new FakeRunner();
    const l = lane(runner);
    const limits: LaneLimits = { maxConcurrency: 10, ratePerSecond: 2 };
    for (const id of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) l.submit(delivery(id), limits);
    expect(runner.ids()).toEqual(['a', 'b']);
    // 2/s over a 2 s deadline: 4 may wait, the 7th is handed off with the rate slot booked for it.
    expect(l.queued).toBe(4);
    expect(runner.handedOff.map((h) => [h.id, h.reason])).toEqual([['g', 'queue_bound']]);
    // The hand-off keeps the next slot (at 1 s) and its job waits for it; the queue moves one slot on.
    expect(runner.handedOff[0]!.waitMs).toBe(1_000);
    await vi.advanceTimersByTimeAsync(999);
    expect(runner.ids()).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(1);
    expect(runner.ids()).toEqual(['a', 'b', 'c']);
  });

  it('bounds the queue by what a slow endpoint answers within the deadline', async () => {
    const runner = new FakeRunner();
    const l = lane(runner);
    const limits: LaneLimits = { maxConcurrency: 1, ratePerSecond: null };
    l.submit(delivery('a'), limits);
    await vi.advanceTimersByTimeAsync(1_000);
    await runner.answer('a');
    // Mean latency 1 s, one at a time: 2 answers fit in the 2 s deadline, so 2 may wait.
    for (const id of ['b', 'c', 'd', 'e']) l.submit(delivery(id), limits);
    expect(l.queued).toBe(2);
    expect(runner.handedOff.map((h) => [h.id, h.reason])).toEqual([['e', 'queue_bound']]);
  });

  it('at the deadline hands off queued deliveries unsent and detaches running ones', async () => {
    const runner = new FakeRunner();
    const l = lane(runner);
    const limits: LaneLimits = { maxConcurrency: 1, ratePerSecond: null };
    l.submit(delivery('a'), limits);
    l.submit(delivery('b'), limits);
    await vi.advanceTimersByTimeAsync(DEADLINE_MS - 1);
    l.expire(DEADLINE_MS);
    expect(runner.handedOff).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    l.expire(DEADLINE_MS);
    expect(runner.handedOff).toEqual([
      { id: 'a', reason: 'deadline', madeAttempt: true, waitMs: undefined },
      { id: 'b', reason: 'deadline', madeAttempt: false, waitMs: 0 },
    ]);
    expect(runner.started[0]!.detached).toBe(true);
  });

  it('while the process is overloaded, keeps an answering endpoint\'s deliveries past the deadline, up to the overload deadline', async () => {
    const runner = new FakeRunner();
    const l = lane(runner);
    const limits: LaneLimits = { maxConcurrency: 1, ratePerSecond: null };
    load.overloaded = true;
    load.lagMs = 300;
    l.submit(delivery('a'), limits);
    await vi.advanceTimersByTimeAsync(1_500);
    await runner.answer('a');
    for (const id of ['b', 'c', 'd', 'e']) l.submit(delivery(id), limits);
    // Slow for everyone: the latency-based bound (here 1) is not applied, the budget holds the backlog.
    expect(l.queued).toBe(3);
    await vi.advanceTimersByTimeAsync(1_500);
    await runner.answer('b');
    await vi.advanceTimersByTimeAsync(DEADLINE_MS);
    l.expire(DEADLINE_MS);
    expect(runner.handedOff).toEqual([]);
    // The endpoint stops answering ('c' runs on): past the deadline plus the process's delay it counts as hanging.
    await vi.advanceTimersByTimeAsync(OVERLOAD_DEADLINE_MS);
    l.expire(DEADLINE_MS);
    expect(runner.handedOff.map((h) => [h.id, h.reason, h.madeAttempt])).toEqual([
      ['c', 'deadline', true],
      ['d', 'deadline', false],
      ['e', 'deadline', false],
    ]);
  });

  it('while the process is overloaded, still hands off a hanging endpoint at the deadline', async () => {
    const runner = new FakeRunner();
    const l = lane(runner);
    const limits: LaneLimits = { maxConcurrency: 1, ratePerSecond: null };
    load.overloaded = true;
    load.lagMs = 300;
    l.submit(delivery('a'), limits);
    l.submit(delivery('b'), limits);
    await vi.advanceTimersByTimeAsync(DEADLINE_MS + 301);
    l.expire(DEADLINE_MS);
    expect(runner.handedOff.map((h) => [h.id, h.reason, h.madeAttempt])).toEqual([
      ['a', 'deadline', true],
      ['b', 'deadline', false],
    ]);
  });

  it('a Retry-After pause hands everything queued to BullMQ, and what comes during the pause', () => {
    const runner = new FakeRunner();
    const l = lane(runner);
    const limits: LaneLimits = { maxConcurrency: 1, ratePerSecond: null };
    l.submit(delivery('a'), limits);
    l.submit(delivery('b'), limits);
    l.pause(5_000);
    l.submit(delivery('c'), limits);
    expect(runner.handedOff.map((h) => [h.id, h.reason])).toEqual([['b', 'paused'], ['c', 'paused']]);
    expect(l.pausedForMs()).toBe(5_000);
  });
});
