import { monitorEventLoopDelay } from 'node:perf_hooks';

const RESOLUTION_MS = 10;

/** What a lane needs to know about the whole process: is it the process that is slow, and by how much. */
export interface LoadSignal {
  /** The process itself is slow (event-loop delay above the threshold): slowness is not the endpoint's. */
  readonly overloaded: boolean;
  /** Recent event-loop delay (ms): how late the process itself runs what is due. */
  readonly lagMs: number;
}

/**
 * Overloaded from a sample whose delay reached `thresholdMs` until `holdMs` have passed without
 * one. The hold is what keeps it from flapping: an overloaded process's delay comes and goes from
 * one sample to the next, and each exit let the deliveries that waited meanwhile expire into
 * BullMQ at once (measured: 8 exits in a 25 s run, thousands of hand-offs).
 */
export function overloadedAt(lastOverAt: number | undefined, now: number, holdMs: number): boolean {
  return lastOverAt !== undefined && now - lastOverAt < holdMs;
}

/**
 * Tells a slow process from a slow endpoint. Under CPU starvation every request of every endpoint
 * looks slow, and handing the "slow" ones to BullMQ costs more CPU than sending them in process,
 * which deepens the overload (the hand-off cascade measured in issue 12). The event-loop delay is
 * the process's own slowness, independent of any endpoint and of how many endpoints there are, so
 * it also works with a single endpoint. Sampled by the first-attempt sweeper, once per sweep.
 */
export class ProcessLoad implements LoadSignal {
  readonly #histogram: ReturnType<typeof monitorEventLoopDelay>;
  #overloaded = false;
  #lagMs = 0;
  #lastOverAt: number | undefined;

  constructor(
    private readonly thresholdMs: number,
    /** How long the state holds after the last sample over the threshold. */
    private readonly holdMs: number,
  ) {
    this.#histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#histogram.enable();
  }

  get overloaded(): boolean {
    return this.#overloaded;
  }

  get lagMs(): number {
    return this.#lagMs;
  }

  /** Reads the delay since the last sample; returns true when the overload state changed. */
  sample(now = Date.now()): boolean {
    // The 90th percentile: one GC pause is not an overload, a process that runs late all the time is.
    // Nanoseconds between the sampling timer's runs, so the resolution itself is part of each value.
    const lagMs = this.#histogram.count === 0 ? 0 : Math.max(0, this.#histogram.percentile(90) / 1e6 - RESOLUTION_MS);
    this.#histogram.reset();
    this.#lagMs = lagMs;
    if (lagMs >= this.thresholdMs) this.#lastOverAt = now;
    const next = overloadedAt(this.#lastOverAt, now, this.holdMs);
    const changed = next !== this.#overloaded;
    this.#overloaded = next;
    return changed;
  }

  close(): void {
    this.#histogram.disable();
  }
}
