import type { Logger } from '../../../shared/log/logger.js';
import { backoffDelay } from '../../../shared/util/backoff.js';
import { sleep } from '../../../shared/util/sleep.js';
import type { DeliveryJobInput, DeliveryQueue } from '../../../shared/webhooks/delivery-queue.js';

export interface HandOff extends DeliveryJobInput {
  /** Called once BullMQ has the job (addBulk resolved): from then on the delivery is settled for the partition. */
  readonly onDurable: () => void;
}

/**
 * First attempts handed to BullMQ, added in batches: everything handed off in one event-loop turn
 * goes in one addBulk. A failed add (Redis down) is retried with back-off until it succeeds or the
 * queue is stopped; meanwhile the deliveries stay unsettled, so their offsets are not committed and
 * the partition's tail bound stops fetching. Nothing is dropped.
 */
export class HandOffQueue {
  #pending: HandOff[] = [];
  #running: Promise<void> | undefined;
  readonly #abort = new AbortController();
  #failingSince: number | undefined;

  constructor(
    private readonly queue: DeliveryQueue,
    private readonly logger: Logger,
  ) {}

  add(handOff: HandOff): void {
    this.#pending.push(handOff);
    this.#running ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#run());
  }

  get pending(): number {
    return this.#pending.length;
  }

  /** Since when adding to BullMQ has been failing, if it is. */
  get failingSince(): number | undefined {
    return this.#failingSince;
  }

  /** Resolves when everything handed off so far is in BullMQ (or the queue was stopped). */
  async drained(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  stop(): void {
    this.#abort.abort();
  }

  async #run(): Promise<void> {
    try {
      for (let failures = 0; this.#pending.length > 0 && !this.#abort.signal.aborted; ) {
        const batch = this.#pending.splice(0, 1_000);
        try {
          await this.queue.enqueue(batch);
          this.#failingSince = undefined;
          failures = 0;
          for (const handOff of batch) handOff.onDurable();
        } catch (error) {
          this.#pending.unshift(...batch);
          this.#failingSince ??= Date.now();
          const waitMs = backoffDelay(failures++);
          this.logger.warn({ err: error, jobs: batch.length, waitMs }, 'could not hand deliveries to BullMQ; their offsets wait and the add is retried');
          await sleep(waitMs, this.#abort.signal);
        }
      }
    } finally {
      this.#running = undefined;
      if (this.#pending.length > 0 && !this.#abort.signal.aborted) this.#running = this.#run();
    }
  }
}
