import { Counter, Gauge, type Registry } from 'prom-client';
import type { HealthReport } from '../../../shared/ops/health.js';
import type { RepublishProgress } from './republisher.js';

/**
 * What a long republish shows on /metrics and /healthz: the same figures as its progress bar (the
 * id range done and total, rows sent) and whether Kafka is refusing batches right now.
 */
export class RepublishMetrics {
  readonly #rows: Counter;
  readonly #done: Gauge;
  readonly #total: Gauge;
  readonly #retrying: Gauge;
  #sentSoFar = 0;
  #note: string | null = null;

  constructor(registry: Registry) {
    this.#rows = new Counter({ name: 'republish_rows_published_total', help: 'Authlog rows published (acknowledged by Kafka) by this run', registers: [registry] });
    this.#done = new Gauge({ name: 'republish_range_done_ids', help: "Ids of the job's range handled so far, all runs of the job", registers: [registry] });
    this.#total = new Gauge({ name: 'republish_range_total_ids', help: "Ids in the job's range", registers: [registry] });
    this.#retrying = new Gauge({ name: 'republish_kafka_retrying', help: '1 while Kafka refuses batches and the page is being sent again', registers: [registry] });
  }

  /** Wraps the progress bar so every update reaches the metrics too (one source for both). */
  observe(total: number, progress: RepublishProgress): RepublishProgress {
    this.#total.set(total);
    return {
      update: (done, rows) => {
        this.#done.set(done);
        this.#rows.inc(Math.max(0, rows - this.#sentSoFar));
        this.#sentSoFar = rows;
        progress.update(done, rows);
      },
      note: (text) => {
        this.#note = text;
        this.#retrying.set(text === null ? 0 : 1);
        progress.note(text);
      },
      finish: () => progress.finish(),
    };
  }

  health(): HealthReport {
    return this.#note === null ? { status: 'ok', state: 'RUNNING' } : { status: 'degraded', state: 'RUNNING', checks: { kafka: this.#note } };
  }
}
