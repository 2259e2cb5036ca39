import { RetryAbortedError } from '../../../shared/errors/retry-aborted-error.js';
import { Slots } from './slots.js';

/**
 * Bounded in-flight work, acknowledged in the order it was submitted: the shape both the live
 * indexer (a bulk, then its Kafka offsets) and the backfill (a bulk, then its MySQL checkpoint)
 * need. Up to `maxInFlight` units work at once, started in submission order; a unit's
 * `acknowledge` runs only once its own work and every earlier unit's acknowledgement succeeded, so
 * an acknowledged position never passes work that is not done. After a failure, no later unit is
 * acknowledged: those fail with `AFTER_EARLIER_FAILURE`, and `onError` hears of the first failure
 * only, once.
 */
export class OrderedPipeline {
  /** Settles when the last submitted unit is acknowledged; rejects if it (or an earlier one) failed. */
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #reported = false;
  readonly #slots: Slots;

  constructor(
    maxInFlight: number,
    /** The first failure of a unit (its work or its acknowledgement): reported once, never thrown. */
    private readonly onError: (error: unknown) => void,
  ) {
    this.#slots = new Slots(maxInFlight);
  }

  /** Units submitted and not yet settled (acknowledged or failed). */
  get pending(): number {
    return this.#pending;
  }

  /** Units waiting for a slot. */
  get queued(): number {
    return this.#slots.queued;
  }

  /**
   * Queues a unit. Resolves when its work has started (a slot was free): callers await it for
   * back-pressure. `work` holds its slot until it settles; `acknowledge` runs without one.
   */
  submit<T>(work: () => Promise<T>, acknowledge: (result: T) => Promise<void>): Promise<void> {
    let markStarted!: () => void;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const previous = this.#tail;
    this.#pending += 1;
    const done = (async () => {
      await this.#slots.acquire();
      markStarted();
      let result: T;
      try {
        result = await work();
      } finally {
        this.#slots.release();
      }
      try {
        await previous;
      } catch {
        throw AFTER_EARLIER_FAILURE;
      }
      await acknowledge(result);
    })().finally(() => {
      this.#pending -= 1;
      markStarted();
    });
    this.#tail = done;
    done.catch((error: unknown) => {
      if (error === AFTER_EARLIER_FAILURE || this.#reported) return;
      this.#reported = true;
      this.onError(error);
    });
    return started;
  }

  /** Waits for every unit submitted so far; rejects if any of them failed. */
  drain(): Promise<void> {
    return this.#tail;
  }
}

/** The failure of units that could not be acknowledged only because an earlier one failed. */
export const AFTER_EARLIER_FAILURE = new RetryAbortedError('acknowledging after an earlier unit failed');
