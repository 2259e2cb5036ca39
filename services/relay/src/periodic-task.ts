import { backoffDelay, type BackoffPolicy } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';

export interface PeriodicTaskOptions {
  readonly intervalMs: number;
  /** One round; a rejection is reported through onError and the next round comes after a back-off. */
  readonly run: (signal: AbortSignal) => Promise<void>;
  readonly onError: (error: unknown, consecutiveFailures: number) => void;
  /** Failed rounds wait backoffDelay(failures) instead of the interval, capped by the interval's policy. */
  readonly backoff?: BackoffPolicy;
}

/**
 * Runs `run` every `intervalMs` until stopped: the shape of the lease keeper, the backlog sampler
 * and the retention cleaner. A failing round never ends the loop and is never swallowed: it is
 * reported and retried with back-off. stop() cancels the wait and awaits the round in progress.
 */
export class PeriodicTask {
  readonly #options: PeriodicTaskOptions;
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #failures = 0;

  constructor(options: PeriodicTaskOptions) {
    this.#options = options;
  }

  get consecutiveFailures(): number {
    return this.#failures;
  }

  /** Runs the first round now (awaited, errors reported), then keeps going in the background. */
  async start(): Promise<void> {
    if (this.#loop !== undefined) return;
    let first!: () => void;
    const firstDone = new Promise<void>((resolve) => (first = resolve));
    this.#loop = this.#run(first);
    await firstDone;
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  async #run(firstDone: () => void): Promise<void> {
    const { signal } = this.#abort;
    while (!signal.aborted) {
      let wait = this.#options.intervalMs;
      try {
        await this.#options.run(signal);
        this.#failures = 0;
      } catch (error) {
        this.#failures += 1;
        this.#options.onError(error, this.#failures);
        if (this.#options.backoff !== undefined) wait = backoffDelay(this.#failures - 1, this.#options.backoff);
      }
      firstDone();
      await sleep(wait, signal);
    }
    firstDone();
  }
}
