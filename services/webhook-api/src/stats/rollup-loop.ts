import { Counter, type Registry } from 'prom-client';
import type { Logger } from '../../../../shared/log/logger.js';
import type { AttemptRollup } from './attempt-rollup.js';

/**
 * Runs the attempt rollup every interval on every API instance (the state row's lock makes them
 * take turns). A failed run is logged and counted and tried again at the next tick: the
 * statistics stay exact meanwhile (they read what is past the watermark live), only slower.
 */
export class RollupLoop {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;
  readonly #folded: Counter;
  readonly #failures: Counter;

  constructor(
    private readonly rollup: AttemptRollup,
    private readonly intervalMs: number,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.#folded = new Counter({ name: 'webhook_api_stats_rollup_attempts_total', help: 'attempts folded into the hourly statistics', registers: [registry] });
    this.#failures = new Counter({ name: 'webhook_api_stats_rollup_failures_total', help: 'runs of the statistics rollup that failed (retried at the next interval)', registers: [registry] });
  }

  start(): void {
    this.#schedule();
  }

  /** Waits for a run in progress; can be called twice. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    await this.#running;
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => this.#schedule());
    }, this.intervalMs);
    this.#timer.unref();
  }

  async #tick(): Promise<void> {
    try {
      this.#folded.inc(await this.rollup.catchUp());
    } catch (error) {
      this.#failures.inc();
      this.logger.warn({ err: error }, 'statistics rollup failed; retried at the next interval');
    }
  }
}
