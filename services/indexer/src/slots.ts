/**
 * A counting semaphore with a FIFO queue: at most `size` holders at once, served in arrival order
 * (bulks start in the order their batches were sealed).
 */
export class Slots {
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(readonly size: number) {
    this.#free = size;
  }

  /** Holders waiting for a slot. */
  get queued(): number {
    return this.#waiting.length;
  }

  get inUse(): number {
    return this.size - this.#free;
  }

  acquire(): Promise<void> {
    if (this.#free > 0) {
      this.#free -= 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  release(): void {
    const next = this.#waiting.shift();
    if (next === undefined) this.#free += 1;
    else next();
  }
}
