import type { Insertable, Kysely } from 'kysely';
import type { Logger } from '../log/logger.js';
import type { WebhookAttemptsTable, WebhooksDatabase } from './webhook-tables.js';

export type AttemptRow = Insertable<WebhookAttemptsTable>;

interface Waiter {
  readonly row: AttemptRow;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Writes delivery attempts to MySQL with group commit: `record()` resolves once the row is
 * committed, and rows that arrive while an INSERT runs go together in the next one. At thousands of
 * attempts per second that is one multi-row INSERT every few milliseconds instead of one per
 * attempt, and a worker still never reports a delivery it has not logged.
 */
export class AttemptLog {
  #queue: Waiter[] = [];
  #flushing: Promise<void> | undefined;

  constructor(
    private readonly db: Kysely<WebhooksDatabase>,
    private readonly logger: Logger,
    private readonly maxBatch = 500,
  ) {}

  record(row: AttemptRow): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ row: clip(row), resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  /** Resolves when every row recorded so far is written (or has failed). */
  async drained(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.maxBatch);
        try {
          await this.db.insertInto('webhook_attempts').values(batch.map((waiter) => waiter.row)).execute();
          for (const waiter of batch) waiter.resolve();
        } catch (error) {
          this.logger.warn({ err: error, rows: batch.length }, 'could not write webhook attempts; their jobs will be retried');
          for (const waiter of batch) waiter.reject(error);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }
}

function clip(row: AttemptRow): AttemptRow {
  return {
    ...row,
    error: row.error == null ? null : row.error.slice(0, 512),
    response_excerpt: row.response_excerpt == null ? null : row.response_excerpt.slice(0, 1024),
  };
}
